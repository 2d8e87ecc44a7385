/*
 * netecho: a server and a client for the network tests, the same static
 * program on the host and in containers.
 *   netecho serve tcp|udp PORT [ADDR]   answers each line (TCP) or
 *       datagram (UDP) with "echo: " and what came, forever; ADDR default
 *       0.0.0.0; writes "ready" on stdout once it listens, and "got: " and
 *       each datagram that came
 *   netecho free tcp|udp                a port free on 127.0.0.1 now
 *   netecho ask tcp|udp HOST PORT TEXT  sends TEXT, prints the answer;
 *       HOST "gw" is the default gateway (from /proc/net/route). Exit 0 on
 *       an answer, 1 otherwise, within 5 seconds.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
addr_of(const char *host, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(port));
	if (strcmp(host, "gw") == 0) {
		char line[256], ifc[32];
		unsigned dst, gw, flags;
		FILE *f = fopen("/proc/net/route", "r");
		while (f && fgets(line, sizeof line, f))
			if (sscanf(line, "%31s %x %x %x", ifc, &dst, &gw, &flags) == 4 && dst == 0 &&
			    (flags & 2)) {
				sa->sin_addr.s_addr = gw; /* in network order already */
				fclose(f);
				return 0;
			}
		if (f)
			fclose(f);
		fprintf(stderr, "netecho: no default gateway\n");
		return -1;
	}
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "netecho: %s: not an IPv4 address\n", host);
		return -1;
	}
	return 0;
}

/* One connection after the other: no process per connection to measure. */
static void
serve_tcp(int s)
{
	char buf[4096], out[4200];
	int c, n;

	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		while ((n = (int)read(c, buf, sizeof buf - 1)) > 0) {
			buf[n] = 0;
			n = snprintf(out, sizeof out, "echo: %s", buf);
			if (write(c, out, (size_t)n) != n)
				break;
		}
		close(c);
	}
}

static void
serve_udp(int s)
{
	char buf[4096], out[4200];
	struct sockaddr_storage from;
	socklen_t len;
	int n;

	for (;;) {
		len = sizeof from;
		if ((n = (int)recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len)) < 0)
			continue;
		buf[n] = 0;
		printf("got: %s\n", buf);
		fflush(stdout);
		n = snprintf(out, sizeof out, "echo: %s", buf);
		sendto(s, out, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct pollfd p;
	char buf[4096];
	int udp, s, one = 1, n;

	if (argc < 3 || (strcmp(argv[2], "tcp") != 0 && strcmp(argv[2], "udp") != 0) ||
	    (argc < 4 && strcmp(argv[1], "free") != 0)) {
		fprintf(stderr, "usage: netecho serve tcp|udp PORT [ADDR] | free tcp|udp | ask tcp|udp HOST PORT TEXT\n");
		return 2;
	}
	udp = strcmp(argv[2], "udp") == 0;
	s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (strcmp(argv[1], "free") == 0) {
		socklen_t len = sizeof sa;
		addr_of("127.0.0.1", "0", &sa);
		if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
		    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
			return 1;
		printf("%u\n", ntohs(sa.sin_port));
		return 0;
	}
	if (strcmp(argv[1], "serve") == 0) {
		if (addr_of(argc > 4 ? argv[4] : "0.0.0.0", argv[3], &sa) < 0)
			return 2;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || (!udp && listen(s, 16) < 0)) {
			perror("netecho: bind");
			return 1;
		}
		printf("ready\n");
		fflush(stdout);
		if (udp)
			serve_udp(s);
		serve_tcp(s);
		return 0;
	}
	if (argc < 6 || addr_of(argv[3], argv[4], &sa) < 0)
		return 2;
	alarm(5);
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("netecho: connect");
		return 1;
	}
	if (write(s, argv[5], strlen(argv[5])) < 0)
		return 1;
	p.fd = s;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1 || (n = (int)read(s, buf, sizeof buf - 1)) <= 0) {
		fprintf(stderr, "netecho: no answer\n");
		return 1;
	}
	buf[n] = 0;
	printf("%s\n", buf);
	return 0;
}
