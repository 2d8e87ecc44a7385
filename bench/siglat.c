/*
 * siglat [-d] [-n COUNT] INIT [INIT_ARGS]...: signal forwarding latency.
 * Starts `unshare -p -f --mount-proc INIT [INIT_ARGS] -- siglat --payload FD`
 * and sends SIGUSR1 COUNT times (default 1000), one at a time, to the init
 * (or with -d straight to the payload); the payload's handler writes the
 * time it ran. Prints the median, min and max latency in microseconds.
 * Pin the whole tree with taskset to see the init's own cost.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int out_fd;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
on_usr1(int sig)
{
	long long t = now_ns();

	(void)sig;
	if (write(out_fd, &t, sizeof t) < 0)
		_exit(1);
}

static int
payload(int fd)
{
	long long zero = 0;
	struct sigaction sa;

	out_fd = fd;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	if (write(fd, &zero, sizeof zero) < 0)
		return 1;
	for (;;)
		pause();
}

/* The first child of pid (from every /proc/N/stat), waited for. */
static pid_t
child_of(pid_t parent)
{
	int tries;

	for (tries = 0; tries < 5000; tries++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = -1;
		while (d && (e = readdir(d))) {
			char path[300], buf[512], *r;
			FILE *f;
			int pp;
			if (e->d_name[0] < '1' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
			if (!(f = fopen(path, "r")))
				continue;
			r = fgets(buf, sizeof buf, f);
			fclose(f);
			if (r && (r = strrchr(buf, ')')) && sscanf(r + 2, "%*c %d", &pp) == 1 &&
			    pp == parent) {
				found = atoi(e->d_name);
				break;
			}
		}
		if (d)
			closedir(d);
		if (found > 0)
			return found;
		usleep(1000);
	}
	return -1;
}

/* CPU time of pid so far, ns (first field of /proc/PID/schedstat). */
static long long
cpu_ns(pid_t pid)
{
	char path[64];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int direct = 0, count = 1000, i, p[2];
	char fdarg[16], self[4096];
	long long *lat, t, cpu0, cpu1;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	pid_t u, init, target;

	if (argc == 3 && strcmp(argv[1], "--payload") == 0)
		return payload(atoi(argv[2]));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-d") == 0)
			direct = 1;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
	}
	if (i >= argc || count <= 0) {
		fprintf(stderr, "usage: siglat [-d] [-n COUNT] INIT [ARGS]...\n");
		return 2;
	}
	if (len <= 0 || pipe(p) < 0 || !(lat = calloc((size_t)count, sizeof *lat)))
		return 1;
	self[len] = 0;
	snprintf(fdarg, sizeof fdarg, "%d", p[1]);
	if ((u = fork()) == 0) {
		char *args[64];
		int k = 0, j;
		args[k++] = "unshare";
		args[k++] = "-p";
		args[k++] = "-f";
		args[k++] = "--mount-proc";
		for (j = i; j < argc && k < 56; j++)
			args[k++] = argv[j];
		args[k++] = "--";
		args[k++] = self;
		args[k++] = "--payload";
		args[k++] = fdarg;
		args[k] = NULL;
		close(p[0]);
		execvp(args[0], args);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &t, sizeof t) != sizeof t)
		return 1;
	init = child_of(u);
	target = direct ? child_of(init) : init;
	if (init < 0 || target < 0)
		return 1;
	cpu0 = cpu_ns(init);
	for (i = 0; i < count; i++) {
		long long t0 = now_ns(), t1;
		kill(target, SIGUSR1);
		if (read(p[0], &t1, sizeof t1) != sizeof t1)
			return 1;
		lat[i] = t1 - t0;
	}
	cpu1 = cpu_ns(init);
	kill(init, SIGKILL);
	waitpid(u, NULL, 0);
	qsort(lat, (size_t)count, sizeof *lat, cmp);
	printf("median_us %.1f min_us %.1f max_us %.1f init_cpu_us_per_signal %.2f\n",
	       lat[count / 2] / 1e3, lat[0] / 1e3, lat[count - 1] / 1e3,
	       direct ? 0.0 : (cpu1 - cpu0) / 1e3 / count);
	return 0;
}
