/*
 * connlat ADDR PORT N: N times, connects to ADDR:PORT (TCP), sends a line,
 * reads the answer (an echo server) and closes; prints the median of those
 * round trips in microseconds. Exit status 1 if one failed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	double *t, t0;
	char buf[64];
	int n, i, s;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || (n = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: connlat ADDR PORT N\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	if (!(t = calloc((size_t)n, sizeof *t)))
		return 1;
	for (i = 0; i < n; i++) {
		t0 = now_us();
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    connect(s, (struct sockaddr *)&sa, sizeof sa) < 0 || write(s, "x\n", 2) != 2 ||
		    read(s, buf, sizeof buf) <= 0) {
			perror("connlat");
			return 1;
		}
		close(s);
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)n, sizeof *t, by_value);
	printf("%.0f\n", t[n / 2]);
	return 0;
}
