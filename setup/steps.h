/*
 * The steps of the container's setup (plan.c lists them in order). Each
 * returns 0, or -1 with errno set and, where the step's name alone does
 * not say it, *why naming the object that failed.
 */
#ifndef MOCKER_STEPS_H
#define MOCKER_STEPS_H

#include "container.h"

typedef int step_fn(struct container *ct, const char **why);

/* the launcher and the process */
step_fn step_die_with_parent, step_close_inherited_fds, step_wait_for_launcher,
	step_not_dumpable, step_join_namespaces, step_userns_root, step_new_keyring,
	step_cgroup_ns,
	step_leave_terminal, step_open_terminal, step_hostname,
	step_loopback, step_join_netns, step_configure_net;
/* the file system */
step_fn step_mount_tree_slave, step_mount_root, step_mount_proc, step_mount_sys,
	step_mount_masks, step_make_dev, step_mount_volumes, step_mount_tmpfs,
	step_etc_files,
	step_provide_init, step_user_lookup, step_chown_volumes, step_make_workdir,
	step_root_readonly,
	step_pivot;
/* the payload's identity and limits */
step_fn step_workdir, step_env, step_ulimits, step_no_new_privs,
	step_seccomp, step_seccomp_late, step_bounding_caps, step_user, step_caps, step_close_fds;
/* what only an OCI config asks (steps_oci.c) */
step_fn step_oci_sysctl, step_oci_devices, step_oci_mounts, step_oci_masks,
	step_oci_propagation, step_oci_umask, step_wait_for_start, step_oci_join;

#endif
