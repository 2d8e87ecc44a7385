/* Signal names and numbers, as kill(1) and Docker's --stop-signal take them. */
#ifndef MOCKER_COMMON_SIGNAME_H
#define MOCKER_COMMON_SIGNAME_H

#define SIG_MAX 64 /* highest signal number on Linux */

/* Name ("TERM", "SIGTERM", "term", "RTMIN+2") or number to a signal number;
 * -1 if it is neither. (RTMAX-n: use the number.) */
int sig_parse(const char *s);

/* "TERM", "RTMIN+2", or the number, into buf (16 bytes). */
const char *sig_name(int sig, char *buf);

#endif
