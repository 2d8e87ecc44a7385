#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sig.h"

/* The kernel's struct sigaction (x86_64, arm64): no handler of ours is ever
 * installed, so no restorer is needed. */
struct ksigaction {
	unsigned long handler, flags, restorer;
	ksigset mask;
};

int
sig_chld_default(void)
{
	struct ksigaction dfl = { 0 }, old;

	if (syscall(SYS_rt_sigaction, SIGCHLD, &dfl, &old, sizeof dfl.mask) < 0)
		return 0;
	return old.handler == (unsigned long)SIG_IGN;
}

void
sig_ignore_set(ksigset set)
{
	struct ksigaction ign = { .handler = (unsigned long)SIG_IGN };
	int sig;

	for (sig = 1; sig <= SIG_MAX; sig++)
		if (set & KSIG_BIT(sig))
			syscall(SYS_rt_sigaction, sig, &ign, NULL, sizeof ign.mask);
}

int
sig_block_all(ksigset *old)
{
	ksigset all = ~0ULL;

	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, sizeof all);
}

int
sig_setmask(const ksigset *set)
{
	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, NULL, sizeof *set);
}

long long
mono_ms(void)
{
	struct timespec ts;

	/* The system call, not the vDSO: rare here, and the vDSO lookup
	 * costs a kilobyte of a static binary. */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
sig_wait(long long timeout_ms)
{
	ksigset all = ~0ULL;
	long long deadline = timeout_ms >= 0 ? mono_ms() + timeout_ms : 0;

	for (;;) {
		struct timespec ts, *tp = NULL;
		long r;

		if (timeout_ms >= 0) {
			long long left = deadline - mono_ms();
			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
			tp = &ts;
		}
		/* no siginfo: nothing here needs it, and it is 128 bytes to copy */
		r = syscall(SYS_rt_sigtimedwait, &all, NULL, tp, sizeof all);
		if (r > 0)
			return (int)r;
		if (errno == EAGAIN)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

void
sig_drop_pipe(void)
{
	ksigset pipe = KSIG_BIT(SIGPIPE);
	struct timespec now = { 0, 0 };

	syscall(SYS_rt_sigtimedwait, &pipe, NULL, &now, sizeof pipe);
}
