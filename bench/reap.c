/*
 * reap exit|burst N: a payload that measures how its PID 1 reaps orphans.
 *   exit   N orphans (double fork) that exit at once, made one after the
 *          other; measured from the first fork to the last one reaped
 *   burst  N orphans that wait on a pipe until all exist, then exit
 *          together; measured from the release to the last one reaped
 * An orphan is reaped when kill(pid, 0) says it is gone (a zombie still
 * answers). Prints: ms, zombies left after 10 s, and PID 1's CPU time (ns,
 * from /proc/1/schedstat) and context switches per orphan.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* /proc/1/NAME (PID 1 is the init under test) into buf; 0 on success. */
static int
read_init(const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/1/%s", name);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* CPU time so far (ns) */
static long long
init_cpu_ns(void)
{
	char buf[128];

	return read_init("schedstat", buf, sizeof buf) < 0 ? -1 : atoll(buf);
}

/* context switches so far, voluntary or not */
static long
init_ctxt(void)
{
	char buf[4096], *p;
	long total = 0;

	if (read_init("status", buf, sizeof buf) < 0)
		return -1;
	for (p = buf; (p = strstr(p, "ctxt_switches:")); p += 14)
		total += atol(p + 14);
	return total;
}

int
main(int argc, char **argv)
{
	int burst, n, i, release[2], report[2];
	pid_t *pids;
	double t0, t1;
	long long cpu0, cpu1;
	long ctx0, ctx1, left;

	if (argc != 3 || (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: reap exit|burst N\n");
		return 2;
	}
	burst = strcmp(argv[1], "burst") == 0;
	pids = calloc((size_t)n, sizeof *pids);
	if (!pids || pipe(release) < 0 || pipe(report) < 0)
		return 1;
	cpu0 = init_cpu_ns();
	ctx0 = init_ctxt();
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		pid_t mid = fork();
		if (mid < 0) {
			perror("fork");
			return 1;
		}
		if (mid == 0) {
			pid_t g = fork();
			if (g == 0) {
				char c;
				close(release[1]);
				if (burst)
					while (read(release[0], &c, 1) < 0 && errno == EINTR)
						;
				_exit(0);
			}
			if (write(report[1], &g, sizeof g) != sizeof g)
				_exit(1);
			_exit(0);
		}
		if (read(report[0], &pids[i], sizeof pids[i]) != sizeof pids[i])
			return 1;
		waitpid(mid, NULL, 0);
	}
	if (burst) {
		cpu0 = init_cpu_ns();
		ctx0 = init_ctxt();
		t0 = now_ms();
	}
	close(release[0]);
	close(release[1]);
	/* wait for the last one, a millisecond at a time */
	for (i = 0; i < n;) {
		if (kill(pids[i], 0) < 0 && errno == ESRCH) {
			i++;
			continue;
		}
		if (now_ms() - t0 > 10000)
			break;
		{
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
		}
	}
	t1 = now_ms();
	cpu1 = init_cpu_ns();
	ctx1 = init_ctxt();
	for (left = 0, i = 0; i < n; i++)
		if (kill(pids[i], 0) == 0)
			left++;
	printf("ms %.1f zombies %ld cpu_ns_per_orphan %.0f ctxt_per_orphan %.3f\n",
	       t1 - t0, left, (double)(cpu1 - cpu0) / n, (double)(ctx1 - ctx0) / n);
	return 0;
}
