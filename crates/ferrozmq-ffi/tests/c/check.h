/* A failed check prints where and why, then exits 1: the Rust test reports the output. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf (stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__,     \
                     __LINE__, #cond, zmq_errno (), zmq_strerror (zmq_errno ()));      \
            exit (1);                                                                  \
        }                                                                              \
    } while (0)

/* A receive bounded in time, so that a lost message fails the run instead of hanging it. */
static inline void set_timeouts (void *socket)
{
    int timeout = 10000;
    CHECK (zmq_setsockopt (socket, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK (zmq_setsockopt (socket, ZMQ_SNDTIMEO, &timeout, sizeof timeout) == 0);
}

/* Binds to a free tcp port on loopback and prints the endpoint as the first line of output. */
static inline void bind_and_announce (void *socket)
{
    char endpoint[256];
    size_t size = sizeof endpoint;
    CHECK (zmq_bind (socket, "tcp://127.0.0.1:*") == 0);
    CHECK (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &size) == 0);
    printf ("%s\n", endpoint);
    fflush (stdout);
}
#endif
