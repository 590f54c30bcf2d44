package xlsx

// A DEFLATE (RFC 1951) encoder for the parts juesuan rewrites: greedy
// LZ77 over a 32 KiB window (compress/flate's BestSpeed hashing and match
// skipping) and one block per 64 KiB of input, each written in the
// smallest of its three forms (own Huffman codes, fixed codes, stored).
// compress/flate's BestSpeed spent about a third of its time building
// Huffman tables (sort.Sort through an interface per block and alphabet);
// here they are built from packed frequencies sorted as integers, by the
// two-queue method. Output size is about BestSpeed's, CPU about 0.57 of
// it on annotated workbooks' parts (TestDeflateRoundTrip, BenchmarkDeflate).

import (
	"encoding/binary"
	"io"
	"math/bits"
	"slices"
)

const (
	dfWindow   = 1 << 15 // maximum distance
	dfHashBits = 15
	dfHashSize = 1 << dfHashBits
	dfBlock    = 1<<16 - 1 // input bytes per block (also the stored-block limit)
	dfMaxMatch = 258
	dfMinMatch = 4
	dfLitLen   = 286
	dfDist     = 30
	dfEOB      = 256
	dfRebase   = 1 << 30 // hash positions are rebased before they near int32's end
)

// RFC 1951's length and distance codes, and the fixed Huffman code.
var (
	dfLenCode   [dfMaxMatch + 1]uint16 // length -> litlen symbol
	dfLenExtra  = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	dfLenBase   = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	dfDistExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	dfDistBase  = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	dfDistLow   [512]uint8 // (dist-1) < 512 -> code; else (dist-1)>>7 indexes dfDistHigh
	dfDistHigh  [256]uint8
	// Fixed Huffman code lengths (RFC 1951 3.2.6).
	dfFixedLit                      [288]uint8
	dfFixedDist                     [30]uint8
	dfFixedLitCode, dfFixedDistCode []uint16
	dfCodegenOrder                  = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func init() {
	for c := 0; c < 29; c++ {
		n := 1 << dfLenExtra[c]
		for l := int(dfLenBase[c]); l < int(dfLenBase[c])+n && l <= dfMaxMatch; l++ {
			dfLenCode[l] = uint16(257 + c)
		}
	}
	dfLenCode[258] = 285
	for c := 0; c < 30; c++ {
		n := uint32(1) << dfDistExtra[c]
		for d := dfDistBase[c]; d < dfDistBase[c]+n; d++ {
			if d-1 < 512 {
				dfDistLow[d-1] = uint8(c)
			} else {
				dfDistHigh[(d-1)>>7] = uint8(c)
			}
		}
	}
	for i := range dfFixedLit {
		switch {
		case i < 144:
			dfFixedLit[i] = 8
		case i < 256:
			dfFixedLit[i] = 9
		case i < 280:
			dfFixedLit[i] = 7
		default:
			dfFixedLit[i] = 8
		}
	}
	for i := range dfFixedDist {
		dfFixedDist[i] = 5
	}
	dfFixedLitCode = canonical(dfFixedLit[:], make([]uint16, 288))
	dfFixedDistCode = canonical(dfFixedDist[:], make([]uint16, 30))
}

func distCode(d uint32) uint8 { // d is distance-1
	if d < 512 {
		return dfDistLow[d]
	}
	return dfDistHigh[d>>7]
}

// token: a literal byte (< 256), or 1<<31 | length<<16 | (distance-1).
type dfToken uint32

const dfMatch = 1 << 31

// deflater writes one DEFLATE stream; Reset starts the next (newDeflater
// makes one).
type deflater struct {
	w      io.Writer
	table  [dfHashSize]int32 // stream position + 1 of the last 4 bytes hashed there (0: none)
	hist   []byte            // the window: up to dfWindow bytes before the block, then the block
	pos    int32             // stream position of hist[0]
	start  int32             // stream position where this stream began (no match before it)
	tokens []dfToken
	lit    [dfLitLen]uint32
	dist   [dfDist]uint32
	out    []byte
	bits   uint64
	nbits  uint
	err    error
	// scratch for table building
	litLen  [dfLitLen]uint8
	distLen [dfDist]uint8
	litCode [dfLitLen]uint16
	distC   [dfDist]uint16
	hb      huffBuilder
	// the planned header (planHeader)
	rle              [dfLitLen + dfDist]uint16 // code-length symbol | extra bits<<5
	cl               [19]uint8
	nrle, nl, nd, nc int
}

func newDeflater(w io.Writer) *deflater {
	d := &deflater{hist: make([]byte, 0, dfWindow+dfBlock), out: make([]byte, 0, 8<<10), tokens: make([]dfToken, 0, dfBlock)}
	d.Reset(w)
	return d
}

// Reset starts a new stream to w (the hash table is kept: positions from
// an earlier stream are below start and never matched).
func (d *deflater) Reset(w io.Writer) {
	d.w, d.err = w, nil
	d.bits, d.nbits = 0, 0
	d.out = d.out[:0]
	d.pos += int32(len(d.hist)) + dfWindow
	if d.pos >= dfRebase {
		clear(d.table[:])
		d.pos = 0
	}
	d.start = d.pos
	d.hist = d.hist[:0]
}

func (d *deflater) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && d.err == nil {
		// Keep the last window of input for matches into it.
		if len(d.hist) > dfWindow {
			cut := len(d.hist) - dfWindow
			copy(d.hist, d.hist[cut:])
			d.hist = d.hist[:dfWindow]
			d.pos += int32(cut)
			if d.pos >= dfRebase {
				// Positions near int32's end: forget them (matches
				// restart after dfRebase bytes of one stream).
				clear(d.table[:])
				d.pos, d.start = 0, 0
			}
		}
		k := min(len(p), dfBlock)
		from := len(d.hist)
		d.hist = append(d.hist, p[:k]...)
		p = p[k:]
		d.block(from, false)
	}
	if d.err != nil {
		return 0, d.err
	}
	return n, nil
}

// Close ends the stream (a final empty fixed block) and flushes it.
func (d *deflater) Close() error {
	if d.err != nil {
		return d.err
	}
	d.put(1|1<<1, 3) // BFINAL, fixed codes
	d.put(uint64(dfFixedLitCode[dfEOB]), uint(dfFixedLit[dfEOB]))
	if d.nbits > 0 {
		d.out = append(d.out, byte(d.bits))
		if d.nbits > 8 {
			d.out = append(d.out, byte(d.bits>>8))
		}
		if d.nbits > 16 {
			d.out = append(d.out, byte(d.bits>>16))
		}
		if d.nbits > 24 {
			d.out = append(d.out, byte(d.bits>>24))
		}
		d.bits, d.nbits = 0, 0
	}
	d.flush()
	return d.err
}

func (d *deflater) put(v uint64, n uint) {
	d.bits |= v << d.nbits
	d.nbits += n
	if d.nbits >= 32 {
		d.out = binary.LittleEndian.AppendUint32(d.out, uint32(d.bits))
		d.bits >>= 32
		d.nbits -= 32
	}
}

func (d *deflater) flush() {
	if len(d.out) == 0 || d.err != nil {
		return
	}
	_, d.err = d.w.Write(d.out)
	d.out = d.out[:0]
}

func dfHash(u uint32) uint32 { return (u * 0x1e35a7bd) >> (32 - dfHashBits) }

// block codes hist[from:] (matches may reach back into hist[:from]).
func (d *deflater) block(from int, final bool) {
	src := d.hist
	d.tokens = d.tokens[:0]
	clear(d.lit[:])
	clear(d.dist[:])
	d.lz(src, from)
	d.lit[dfEOB]++
	d.emit(src[from:], final)
	d.flush()
}

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
func load64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// lz appends the tokens of src[from:] and counts their symbols.
func (d *deflater) lz(src []byte, from int) {
	n := len(src)
	s := from
	next := from // next byte to emit
	lit := func(to int) {
		for _, c := range src[next:to] {
			d.tokens = append(d.tokens, dfToken(c))
			d.lit[c]++
		}
	}
	base := d.pos + 1 // table value of src[0]
	limit := n - 8    // loads of 8 bytes stay inside src
	minPos := int(d.start - d.pos)
	for s < limit {
		skip := 32
		var cand int
		for {
			h := dfHash(load32(src, s))
			c := int(d.table[h]) - int(base)
			d.table[h] = int32(s) + base
			if c >= minPos && c >= 0 && s-c <= dfWindow && load32(src, c) == load32(src, s) {
				cand = c
				break
			}
			s += skip >> 5
			skip++
			if s >= limit {
				goto done
			}
		}
		lit(s)
		for {
			// Extend the 4-byte match.
			l := dfMinMatch
			maxL := min(dfMaxMatch, n-s)
			for l+8 <= maxL {
				if x := load64(src, s+l) ^ load64(src, cand+l); x != 0 {
					l += bits.TrailingZeros64(x) >> 3
					goto matched
				}
				l += 8
			}
			for l < maxL && src[s+l] == src[cand+l] {
				l++
			}
		matched:
			dist := uint32(s - cand - 1)
			d.tokens = append(d.tokens, dfToken(dfMatch|uint32(l)<<16|dist))
			d.lit[dfLenCode[l]]++
			d.dist[distCode(dist)]++
			s += l
			next = s
			if s >= limit {
				goto done
			}
			// Hash the byte before s and look for a match at s at once.
			h := dfHash(load32(src, s-1))
			d.table[h] = int32(s-1) + base
			h = dfHash(load32(src, s))
			c := int(d.table[h]) - int(base)
			d.table[h] = int32(s) + base
			if c >= minPos && c >= 0 && s-c <= dfWindow && load32(src, c) == load32(src, s) {
				cand = c
				continue
			}
			s++
			break
		}
	}
done:
	s = n
	lit(s)
}

// emit writes the block's tokens in the cheapest of the three forms.
func (d *deflater) emit(raw []byte, final bool) {
	nl := d.hb.lengths(d.lit[:], d.litLen[:], 15)
	if nl < 257 {
		nl = 257
	}
	nonzero := 0
	for _, f := range d.dist {
		if f > 0 {
			nonzero++
		}
	}
	if nonzero < 2 {
		// Two distance codes, so the code is complete: inflaters differ
		// on a lone one.
		if d.dist[0] == 0 {
			d.dist[0] = 1
		} else {
			d.dist[1] = 1
		}
	}
	nd := d.hb.lengths(d.dist[:], d.distLen[:], 15)
	// Sizes in bits of the three forms.
	var dyn, fixed uint64
	for s, f := range d.lit {
		if f == 0 {
			continue
		}
		x := uint64(0)
		if s > 256 {
			x = uint64(dfLenExtra[s-257])
		}
		dyn += uint64(f) * (uint64(d.litLen[s]) + x)
		fixed += uint64(f) * (uint64(dfFixedLit[s]) + x)
	}
	for s, f := range d.dist {
		if f == 0 {
			continue
		}
		dyn += uint64(f) * (uint64(d.distLen[s]) + uint64(dfDistExtra[s]))
		fixed += uint64(f) * (5 + uint64(dfDistExtra[s]))
	}
	dyn += d.planHeader(nl, nd)
	stored := uint64(len(raw)+5)*8 + 7
	fin := uint64(0)
	if final {
		fin = 1
	}
	switch {
	case stored <= dyn && stored <= fixed+3:
		d.put(fin, 3) // BTYPE 00
		d.align()
		d.out = binary.LittleEndian.AppendUint16(d.out, uint16(len(raw)))
		d.out = binary.LittleEndian.AppendUint16(d.out, ^uint16(len(raw)))
		d.out = append(d.out, raw...)
	case fixed+3 <= dyn:
		d.put(fin|1<<1, 3)
		d.tokensOut(dfFixedLit[:], dfFixedLitCode, dfFixedDist[:], dfFixedDistCode)
	default:
		d.put(fin|2<<1, 3)
		d.writeHeader()
		canonical(d.litLen[:], d.litCode[:])
		canonical(d.distLen[:], d.distC[:])
		d.tokensOut(d.litLen[:], d.litCode[:], d.distLen[:], d.distC[:])
	}
}

func (d *deflater) align() {
	for d.nbits > 0 {
		d.out = append(d.out, byte(d.bits))
		d.bits >>= 8
		if d.nbits <= 8 {
			d.nbits = 0
		} else {
			d.nbits -= 8
		}
	}
	d.bits = 0
}

func (d *deflater) tokensOut(ll []uint8, lc []uint16, dl []uint8, dc []uint16) {
	for _, t := range d.tokens {
		if t < dfMatch {
			d.put(uint64(lc[t]), uint(ll[t]))
			continue
		}
		l := int(t>>16) & 0x1ff
		dist := uint32(t) & 0xffff
		s := dfLenCode[l]
		c := s - 257
		v := uint64(lc[s])
		n := uint(ll[s])
		v |= uint64(l-int(dfLenBase[c])) << n
		n += uint(dfLenExtra[c])
		d.put(v, n)
		dcd := distCode(dist)
		v = uint64(dc[dcd]) | uint64(dist+1-dfDistBase[dcd])<<dl[dcd]
		d.put(v, uint(dl[dcd])+uint(dfDistExtra[dcd]))
	}
	d.put(uint64(lc[dfEOB]), uint(ll[dfEOB]))
}

// planHeader prepares the dynamic block header for nl literal/length and
// nd distance code lengths and returns its size in bits (the 3 block-type
// bits included); writeHeader writes it.
func (d *deflater) planHeader(nl, nd int) uint64 {
	n := rleLengths(d.litLen[:nl], d.rle[:], 0)
	n = rleLengths(d.distLen[:nd], d.rle[:], n)
	d.nrle, d.nl, d.nd = n, nl, nd
	var cf [19]uint32
	for _, r := range d.rle[:n] {
		cf[r&31]++
	}
	used := 0
	for _, f := range cf {
		if f > 0 {
			used++
		}
	}
	if used < 2 {
		// A complete code needs two symbols.
		if cf[0] == 0 {
			cf[0] = 1
		} else {
			cf[1] = 1
		}
	}
	d.hb.lengths(cf[:], d.cl[:], 7)
	nc := 19
	for nc > 4 && d.cl[dfCodegenOrder[nc-1]] == 0 {
		nc--
	}
	d.nc = nc
	size := uint64(3 + 5 + 5 + 4 + 3*nc)
	for s, f := range cf {
		size += uint64(f) * uint64(d.cl[s])
	}
	for _, r := range d.rle[:n] {
		switch r & 31 {
		case 16:
			size += 2
		case 17:
			size += 3
		case 18:
			size += 7
		}
	}
	return size
}

func (d *deflater) writeHeader() {
	var cc [19]uint16
	canonical(d.cl[:], cc[:])
	d.put(uint64(d.nl-257), 5)
	d.put(uint64(d.nd-1), 5)
	d.put(uint64(d.nc-4), 4)
	for _, s := range dfCodegenOrder[:d.nc] {
		d.put(uint64(d.cl[s]), 3)
	}
	for _, r := range d.rle[:d.nrle] {
		s := r & 31
		d.put(uint64(cc[s]), uint(d.cl[s]))
		switch s {
		case 16:
			d.put(uint64(r>>5), 2)
		case 17:
			d.put(uint64(r>>5), 3)
		case 18:
			d.put(uint64(r>>5), 7)
		}
	}
}

// rleLengths appends the code-length code sequence of lens to out[n:].
func rleLengths(lens []uint8, out []uint16, n int) int {
	for i := 0; i < len(lens); {
		v := lens[i]
		j := i + 1
		for j < len(lens) && lens[j] == v {
			j++
		}
		run := j - i
		i = j
		if v == 0 {
			for run >= 11 {
				k := min(run, 138)
				out[n] = 18 | uint16(k-11)<<5
				n++
				run -= k
			}
			if run >= 3 {
				out[n] = 17 | uint16(run-3)<<5
				n++
				run = 0
			}
		} else {
			out[n] = uint16(v)
			n++
			run--
			for run >= 3 {
				k := min(run, 6)
				out[n] = 16 | uint16(k-3)<<5
				n++
				run -= k
			}
		}
		for ; run > 0; run-- {
			out[n] = uint16(v)
			n++
		}
	}
	return n
}

// canonical fills codes (bit-reversed, as DEFLATE writes them LSB first)
// from code lengths.
func canonical(lens []uint8, codes []uint16) []uint16 {
	var count [16]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint16
	code := uint16(0)
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for s, l := range lens {
		if l == 0 {
			codes[s] = 0
			continue
		}
		codes[s] = bits.Reverse16(next[l]) >> (16 - l)
		next[l]++
	}
	return codes
}

// huffBuilder computes length-limited Huffman code lengths.
type huffBuilder struct {
	sorted []uint64 // freq<<16 | symbol
	w      []uint64 // weights of leaves then internal nodes
	parent []int32
	depth  []uint16
}

// lengths sets lens[s] for every s with freq[s] > 0 (others 0), at most
// maxBits long; it returns one past the last used symbol.
func (h *huffBuilder) lengths(freq []uint32, lens []uint8, maxBits int) int {
	h.sorted = h.sorted[:0]
	last := 0
	for s, f := range freq {
		lens[s] = 0
		if f > 0 {
			h.sorted = append(h.sorted, uint64(f)<<16|uint64(s))
			last = s + 1
		}
	}
	n := len(h.sorted)
	switch n {
	case 0:
		return 0
	case 1:
		lens[h.sorted[0]&0xffff] = 1
		return last
	}
	slices.Sort(h.sorted)
	// Two-queue Huffman: leaves 0..n-1 (ascending weight), internal
	// nodes n..2n-2 created in ascending weight.
	h.w = h.w[:0]
	for _, x := range h.sorted {
		h.w = append(h.w, x>>16)
	}
	h.w = slices.Grow(h.w, n-1)[:2*n-1]
	h.parent = slices.Grow(h.parent[:0], 2*n-1)[:2*n-1]
	w, parent := h.w, h.parent
	leaf, node := 0, n
	for k := n; k < 2*n-1; k++ {
		var a, b int
		if leaf < n && (node >= k || w[leaf] <= w[node]) {
			a, leaf = leaf, leaf+1
		} else {
			a, node = node, node+1
		}
		if leaf < n && (node >= k || w[leaf] <= w[node]) {
			b, leaf = leaf, leaf+1
		} else {
			b, node = node, node+1
		}
		w[k] = w[a] + w[b]
		parent[a], parent[b] = int32(k), int32(k)
	}
	h.depth = slices.Grow(h.depth[:0], 2*n-1)[:2*n-1]
	root := 2*n - 2
	h.depth[root] = 0
	var count [64]int
	for i := root - 1; i >= 0; i-- {
		dd := h.depth[h.parent[i]] + 1
		h.depth[i] = dd
		if i < n {
			count[min(int(dd), 63)]++
		}
	}
	// Limit the lengths (miniz's method: move overlong codes to maxBits,
	// then lengthen shorter codes until the Kraft sum is exact).
	for b := maxBits + 1; b < 64; b++ {
		count[maxBits] += count[b]
		count[b] = 0
	}
	total := 0
	for b := maxBits; b > 0; b-- {
		total += count[b] << (maxBits - b)
	}
	for total != 1<<maxBits {
		count[maxBits]--
		for b := maxBits - 1; b > 0; b-- {
			if count[b] > 0 {
				count[b]--
				count[b+1] += 2
				break
			}
		}
		total--
	}
	// The most frequent symbols get the shortest codes.
	j := n
	for b := 1; b <= maxBits; b++ {
		for k := count[b]; k > 0; k-- {
			j--
			lens[h.sorted[j]&0xffff] = uint8(b)
		}
	}
	return last
}
