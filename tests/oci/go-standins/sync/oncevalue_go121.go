package sync

// Go 1.21's OnceValue and OnceValues, for Go 1.19 (without re-raising a
// panic of f on later calls, which runtime-tools does not rely on).
func OnceValue[T any](f func() T) func() T {
	var once Once
	var v T
	return func() T { once.Do(func() { v = f() }); return v }
}

func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var once Once
	var v1 T1
	var v2 T2
	return func() (T1, T2) { once.Do(func() { v1, v2 = f() }); return v1, v2 }
}
