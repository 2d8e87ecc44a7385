#!/bin/sh
# What `make run` shows from inside the container.
echo "PID 1 is:        $(tr '\0' ' ' < /proc/1/cmdline)"
echo "hostname:        $(hostname)"
echo "mounts visible:  $(wc -l < /proc/self/mountinfo) (the host's are not)"
echo "processes:"
ps -o pid,user,args
