package fill

// slab hands out elements and windows from chunks allocated n at a time:
// one allocation per chunk instead of one per equation or constraint, and,
// unlike one slab sized for every equation bound (most of which have
// nothing to fill), no more memory than a chunk beyond what is used.
// Pointers and windows stay valid: a chunk is never reallocated.
type slab[T any] struct {
	buf []T
	n   int
}

// take returns a window of k zero elements (len k, cap k).
func (s *slab[T]) take(k int) []T {
	if cap(s.buf)-len(s.buf) < k {
		s.buf = make([]T, 0, max(s.n, k))
	}
	i := len(s.buf)
	s.buf = s.buf[:i+k]
	return s.buf[i : i+k : i+k]
}

// one returns a pointer to a new zero element.
func (s *slab[T]) one() *T { return &s.take(1)[0] }
