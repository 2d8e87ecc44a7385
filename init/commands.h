/* The init's command besides being PID 1, recognised only as its first
 * argument: `mocker-init svc ...`, `mocker-init probe ...`. */
#ifndef MOCKER_INIT_COMMANDS_H
#define MOCKER_INIT_COMMANDS_H

/* Returns the exit status: 0 done, 1 an unknown service or no init to
 * ask, 2 usage. argv[0] is the command's name. */
int svc_main(int argc, char **argv);

/* Returns 0 when what was probed answered, 1 when not, 2 for usage. */
int probe_main(int argc, char **argv);

#endif
