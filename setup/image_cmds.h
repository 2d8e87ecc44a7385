/* The image store's commands. Each returns mocker's exit status: 0; 1
 * when an image named is not there or is in use (rmi); 125 on bad input or
 * when the store or skopeo fails (one line says which). */
#ifndef MOCKER_IMAGE_CMDS_H
#define MOCKER_IMAGE_CMDS_H

int cmd_pull(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
/* image ls|rm|pull|prune */
int cmd_image(int argc, char **argv);

#endif
