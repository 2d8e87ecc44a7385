/* resolve NAME...: prints "NAME ADDRESS" for each name getaddrinfo finds
 * (in /etc/hosts or through /etc/resolv.conf), "NAME -" for the others.
 * Exit status: the number of names not found. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	int i, missing = 0;

	for (i = 1; i < argc; i++) {
		struct addrinfo hints, *res;
		char addr[INET6_ADDRSTRLEN] = "-";
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		if (getaddrinfo(argv[i], NULL, &hints, &res) == 0) {
			void *p = res->ai_family == AF_INET ?
				(void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr :
				(void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
			inet_ntop(res->ai_family, p, addr, sizeof addr);
			freeaddrinfo(res);
		} else {
			missing++;
		}
		printf("%s %s\n", argv[i], addr);
	}
	return missing;
}
