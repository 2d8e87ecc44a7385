#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "option_values.h"
#include "publish.h"

#define EXPECTED "expected [HOST_IP:][HOST_PORT:]CTR_PORT[/tcp|/udp], ports 1-65535 " \
                 "or ranges of them (8000-8010)"

/* A port or a range of them in s[0, len): its first and count; 0 if bad. */
static int
port_range(const char *s, size_t len, unsigned *first, unsigned *count)
{
	char buf[16], *end;
	unsigned long a, b;

	if (len == 0 || len >= sizeof buf || !strchr("0123456789", s[0]))
		return 0;
	memcpy(buf, s, len);
	buf[len] = 0;
	a = strtoul(buf, &end, 10);
	b = a;
	if (*end == '-' && strchr("0123456789", end[1]))
		b = strtoul(end + 1, &end, 10);
	if (*end || a < 1 || b > 65535 || b < a)
		return 0;
	*first = (unsigned)a;
	*count = (unsigned)(b - a + 1);
	return 1;
}

void
opt_publish(struct config *c, const char *spec)
{
	struct publish *p = &c->publish[c->npublish];
	const char *s = spec, *proto = strrchr(spec, '/'), *end, *colon;
	unsigned hcount = 0;

	if (c->npublish == MAX_PUBLISH)
		opt_bad("-p", spec, "too many");
	memset(p, 0, sizeof *p);
	p->spec = spec;
	end = proto ? proto : spec + strlen(spec);
	if (proto && strcmp(proto, "/tcp") != 0 && strcmp(proto, "/udp") != 0)
		opt_bad("-p", spec, "the protocol is tcp or udp");
	p->udp = proto && strcmp(proto, "/udp") == 0;
	/* the host address: IPv4 up to the first of two colons, IPv6 in [] */
	if (*s == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		struct in6_addr a6;
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof p->ip)
			opt_bad("-p", spec, EXPECTED);
		memcpy(p->ip, s + 1, (size_t)(close - s - 1));
		if (inet_pton(AF_INET6, p->ip, &a6) != 1)
			opt_bad("-p", spec, "not an IPv6 address in the brackets");
		s = close + 2;
	} else if ((colon = memchr(s, ':', (size_t)(end - s))) &&
	           memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		struct in_addr a4;
		if ((size_t)(colon - s) >= sizeof p->ip)
			opt_bad("-p", spec, EXPECTED);
		memcpy(p->ip, s, (size_t)(colon - s));
		if (inet_pton(AF_INET, p->ip, &a4) != 1)
			opt_bad("-p", spec, "not an IPv4 address before the ports (IPv6 goes in [])");
		s = colon + 1;
	}
	/* [HOST_PORT]:CTR_PORT, or CTR_PORT */
	if ((colon = memchr(s, ':', (size_t)(end - s)))) {
		if (colon > s && !port_range(s, (size_t)(colon - s), &p->host, &hcount))
			opt_bad("-p", spec, EXPECTED);
		s = colon + 1;
	}
	if (!port_range(s, (size_t)(end - s), &p->ctr, &p->count))
		opt_bad("-p", spec, EXPECTED);
	if (p->host && hcount != p->count)
		opt_bad("-p", spec, "the host's range and the container's are not of one length");
	if (!strcmp(p->ip, "0.0.0.0"))
		p->ip[0] = 0;
	c->npublish++;
}

/* A socket bound to ip:port (port 0: a free one), as pasta will bind it;
 * -1 with errno. */
static int
bind_port(const char *ip, unsigned port, int udp)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	int v6 = strchr(ip, ':') != NULL, s, one = 1;

	if ((s = socket(v6 ? AF_INET6 : AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
	                0)) < 0)
		return -1;
	/* TCP: as pasta binds (a connection in TIME_WAIT does not count) */
	if (!udp)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (v6)
		inet_pton(AF_INET6, ip, &a6.sin6_addr);
	else if (*ip)
		inet_pton(AF_INET, ip, &a4.sin_addr);
	if ((v6 ? bind(s, (struct sockaddr *)&a6, sizeof a6) :
	          bind(s, (struct sockaddr *)&a4, sizeof a4)) < 0) {
		int err = errno;
		close(s);
		errno = err;
		return -1;
	}
	return s;
}

static unsigned
bound_port(int s)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof a;

	if (getsockname(s, (struct sockaddr *)&a, &len) < 0)
		return 0;
	return ntohs(a.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&a)->sin6_port :
	                                      ((struct sockaddr_in *)&a)->sin_port);
}

int
publish_reserve(struct config *c, const struct publish **bad, unsigned *port)
{
	struct publish *p, *extra, tmpl;
	unsigned k;
	int i, s, n = c->npublish;

	for (i = 0; i < n; i++) {
		p = &c->publish[i];
		*bad = p;
		if (p->host) {
			for (k = 0; k < p->count; k++) {
				*port = p->host + k;
				if ((s = bind_port(p->ip, p->host + k, p->udp)) < 0)
					return -1;
				close(s);
			}
			continue;
		}
		/* each port of a range alone: its own free host port */
		tmpl = *p;
		for (k = 0; k < tmpl.count; k++) {
			if (k > 0 && c->npublish == MAX_PUBLISH) {
				errno = E2BIG;
				return -1;
			}
			extra = k == 0 ? p : &c->publish[c->npublish++];
			*extra = tmpl;
			*port = 0;
			if ((s = bind_port(tmpl.ip, 0, tmpl.udp)) < 0)
				return -1;
			extra->host = bound_port(s);
			extra->ctr = tmpl.ctr + k;
			extra->count = 1;
			close(s);
		}
	}
	return 0;
}

void
publish_describe(const struct config *c, char *buf, size_t size)
{
	size_t len = 0;
	int i, n;
	const struct publish *p;

	buf[0] = 0;
	for (i = 0; i < c->npublish && len < size; i++) {
		p = &c->publish[i];
		const char *ip = p->ip[0] ? p->ip : "0.0.0.0", *l = strchr(ip, ':') ? "[" : "",
		           *r = *l ? "]" : "";
		if (p->count > 1)
			n = snprintf(buf + len, size - len, "%s%s%s%s:%u-%u->%u-%u/%s", i ? ", " : "", l, ip,
			             r, p->host, p->host + p->count - 1, p->ctr, p->ctr + p->count - 1,
			             p->udp ? "udp" : "tcp");
		else
			n = snprintf(buf + len, size - len, "%s%s%s%s:%u->%u/%s", i ? ", " : "", l, ip, r,
			             p->host, p->ctr, p->udp ? "udp" : "tcp");
		if (n < 0)
			break;
		len += (size_t)n;
	}
}
