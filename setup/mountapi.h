/*
 * The kernel's descriptor-based mount API (fsopen, fsmount, open_tree,
 * mount_setattr, move_mount; Linux 5.12 for all of it). A mount is made
 * detached, given its flags, and attached onto a target descriptor: no
 * path in the untrusted image is ever looked up twice, and the mount's own
 * root stays in hand (as a descriptor) for what goes inside it.
 */
#ifndef MOCKER_MOUNTAPI_H
#define MOCKER_MOUNTAPI_H

/* Mount attributes, as <linux/mount.h> numbers them (kept here so that
 * callers need not include it next to libc's <sys/mount.h>). */
#define MA_RDONLY      0x00000001
#define MA_NOSUID      0x00000002
#define MA_NODEV       0x00000004
#define MA_NOEXEC      0x00000008
#define MA_STRICTATIME 0x00000020

/* Adds attributes to the tree at fd (its submounts too if rec), and makes
 * it private: nothing mounted on the host later propagates into it. */
int tree_set(int fd, unsigned attr, int rec);

/* Attaches the detached tree fd onto the directory or file target. */
int tree_attach(int fd, int target);

/* A new filesystem, fstype with options ("key=value" or "flag", NULL
 * terminated; NULL for none) and attributes attr, attached onto the
 * directory or file target. Returns the attached mount's root, or -1. */
int mount_new_at(const char *fstype, const char *const *options, unsigned attr,
                 int target);

/* A private bind mount of dirfd/path (path "" for dirfd itself) onto
 * target with attributes added; recursive if rec. Returns the new mount's root, or -1. */
int bind_new_at(int dirfd, const char *path, int target, unsigned attr, int rec);

/* The device node at node (O_PATH, on a nodev mount) bound onto target
 * without nodev: the one node that works there. Returns the mount's root,
 * or -1. */
int device_bind_at(int node, int target);

#endif
