/* mocker-init svc: asks the running PID 1 to bring a service up or down,
 * restart or signal it, or list them, over its control channel. */
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "defaults.h"
#include "log.h"
#include "sig.h"
#include "sys.h"

int
svc_main(int argc, char **argv)
{
	struct sockaddr_un a;
	char req[96] = "", out[SERVICES_MAX_REPLY];
	const char *op = argc > 1 ? argv[1] : "";
	int list = strcmp(op, "-l") == 0, sig = strcmp(op, "-s") == 0, fd;
	struct ucred cred;
	socklen_t cl = sizeof cred;
	ssize_t n;

	if (op[0] != '-' || !op[1] || op[2] || !strchr("udrksl", op[1]))
		die(EXIT_USAGE, "svc: unknown option '%s'" SEE_HELP, op);
	if (argc != 3 + sig - list || strlen(argv[argc - 1]) > 64 || strlen(argv[2 - list]) > 64 ||
	    (sig && sig_parse(argv[2]) < 0))
		die(EXIT_USAGE, "svc %s: expected %s" SEE_HELP, op,
		    list ? "nothing more" : sig ? "SIG NAME" : "NAME");
	/* "OP[SIG] NAME", as control.c reads it */
	strcat(strcat(strcat(strcat(req, op + 1), sig ? argv[2] : ""), " "),
	       list ? "" : argv[argc - 1]);
	unix_addr(&a, CONTROL_SOCKET);
	fd = sys_socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die(1, "svc: cannot reach the init at " CONTROL_SOCKET ": %m");
	/* only root's answer counts: not a socket planted in its place */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != 0)
		die(1, "svc: " CONTROL_SOCKET " is not the init's");
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    (n = recv(fd, out, sizeof out - 1, 0)) < 1)
		die(1, "svc: no answer from the init: %m");
	out[n] = 0;
	if (out[0] != '0')
		die(1, "svc: %s", out + 1);
	write_all(1, out + 1, (size_t)n - 1);
	return 0;
}
