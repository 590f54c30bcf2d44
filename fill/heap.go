package fill

// The solver's two priority queues use container/heap's algorithm on their
// own slice types: heap.Push and heap.Pop box every element in an
// interface (an allocation per candidate). Each queue's order is total
// (candidates by seq last, constraints by index, each queued once), so the
// pop order is the same whatever the heap's shape.

type ordered interface {
	Len() int
	Less(i, j int) bool
	Swap(i, j int)
}

func heapUp[H ordered](h H, j int) {
	for {
		i := (j - 1) / 2 // parent
		if i == j || !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		j = i
	}
}

func heapDown[H ordered](h H, i, n int) {
	for {
		j1 := 2*i + 1
		if j1 >= n || j1 < 0 { // j1 < 0 after int overflow
			break
		}
		j := j1 // left child
		if j2 := j1 + 1; j2 < n && h.Less(j2, j1) {
			j = j2 // right child
		}
		if !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		i = j
	}
}

func (h *candHeap) push(c candidate) {
	*h = append(*h, c)
	heapUp(*h, len(*h)-1)
}

func (h *candHeap) pop() candidate {
	old := *h
	n := len(old) - 1
	old.Swap(0, n)
	heapDown(old, 0, n)
	c := old[n]
	*h = old[:n]
	return c
}

func (h *intHeap) push(x int) {
	*h = append(*h, x)
	heapUp(*h, len(*h)-1)
}

func (h *intHeap) pop() int {
	old := *h
	n := len(old) - 1
	old.Swap(0, n)
	heapDown(old, 0, n)
	x := old[n]
	*h = old[:n]
	return x
}
