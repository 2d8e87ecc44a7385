/* Error messages for the errno values the init can meet. libc's strerror
 * table holds all of them (2 KB of a 24 KB budget); the rest print as a
 * number. */
#ifndef MOCKER_INIT_ERRSTR_H
#define MOCKER_INIT_ERRSTR_H

#define ERRSTR_BUFSZ 32

/* A message for e; numbers it into buf (ERRSTR_BUFSZ) when it has none. */
const char *errstr(int e, char *buf);

#endif
