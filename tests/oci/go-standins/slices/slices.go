// Package slices: the two Go 1.21 functions runtime-tools uses, for
// Debian 12's Go 1.19 (tests/oci/build.sh puts them in a shadow GOROOT).
package slices

func Contains[S ~[]E, E comparable](s S, v E) bool {
	for i := range s {
		if s[i] == v {
			return true
		}
	}
	return false
}

func DeleteFunc[S ~[]E, E any](s S, del func(E) bool) S {
	out := s[:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	var zero E
	for i := len(out); i < len(s); i++ {
		s[i] = zero
	}
	return out
}
