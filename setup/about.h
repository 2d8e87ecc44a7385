/* mocker --version. */
#ifndef MOCKER_ABOUT_H
#define MOCKER_ABOUT_H

/* Prints the version, commit and license on stdout; the exit status for
 * main (1 when stdout cannot be written). */
int about_version(void);

#endif
