/* spin SECONDS: a busy loop for SECONDS of wall-clock time; prints the CPU
 * time it got, in seconds ("cpu 0.51"). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2, end = now(CLOCK_MONOTONIC) + secs;
	volatile unsigned long n = 0;

	while (now(CLOCK_MONOTONIC) < end)
		n++;
	printf("cpu %.2f\n", now(CLOCK_PROCESS_CPUTIME_ID));
	return 0;
}
