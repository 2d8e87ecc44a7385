/*
 * sigrecv FILE [EXITSIG]: records every signal it receives, one number per
 * line, in FILE (appended with a single write each, so nothing is lost or
 * merged), until it receives EXITSIG (default: none, runs forever). Writes
 * "ready" first, once every signal is blocked and waited for. The caller's
 * mask and dispositions are not used: it waits for all of them.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	unsigned long long all = ~0ULL;
	int fd, exitsig = argc > 2 ? atoi(argv[2]) : 0;
	char line[32];
	siginfo_t si;

	if (argc < 2) {
		fprintf(stderr, "usage: sigrecv FILE [EXITSIG]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
		perror(argv[1]);
		return 1;
	}
	/* Raw: libc's sets leave out the signals it keeps for itself. */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	if (write(fd, "ready\n", 6) != 6)
		return 1;
	for (;;) {
		int sig = (int)syscall(SYS_rt_sigtimedwait, &all, &si, NULL, 8);
		int n;
		if (sig <= 0)
			continue;
		n = snprintf(line, sizeof line, "%d\n", sig);
		if (write(fd, line, (size_t)n) != n)
			return 1;
		if (sig == exitsig)
			return 0;
	}
}
