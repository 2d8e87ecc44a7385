/* mocker's commands besides run: ps, logs, stop, kill, wait, rm, inspect.
 * Each takes its arguments after the command's name (argv[0]) and returns
 * mocker's exit status: 0, 1 when a container named is not there or not in
 * a state for it, 125 on bad input. */
#ifndef MOCKER_COMMANDS_H
#define MOCKER_COMMANDS_H

struct ctr;
/* Finds a container by name, id or unique id prefix, or says on one line
 * why not ("CMD: no such container: WHAT"); 0 or -1. */
int find_container(const char *cmd, const char *what, struct ctr *c);

int cmd_ps(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_port(int argc, char **argv);
/* Internal, run by a detached container's monitor program when the
 * container ended: _ended ID CODE OOM. */
int cmd_ended(int argc, char **argv);

#endif
