/* The throughput perf tools over pgm:// and epgm:// on libzmq, for bench/pgm.sh: libzmq's
 * own local_thr/remote_thr use PULL/PUSH, which PGM does not carry, so this is the same
 * measurement on SUB and XPUB (with XPUB_NODROP, so that the sender waits rather than
 * drops), printing local_thr's lines. Compiled against the system's libzmq (Debian's is
 * built with OpenPGM).
 *
 *   pgm_thr local  <endpoint> <message-size> <message-count> <rate-kbit>
 *   pgm_thr remote <endpoint> <message-size> <message-count> <rate-kbit>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static void check (int rc, const char *call)
{
    if (rc < 0) {
        fprintf (stderr, "error in %s: %s\n", call, zmq_strerror (zmq_errno ()));
        exit (1);
    }
}

int main (int argc, char *argv[])
{
    if (argc != 6) {
        fprintf (stderr, "usage: pgm_thr local|remote <endpoint> <message-size> "
                         "<message-count> <rate-kbit>\n");
        return 1;
    }
    int local = strcmp (argv[1], "local") == 0;
    const char *endpoint = argv[2];
    size_t size = (size_t) atoi (argv[3]);
    int count = atoi (argv[4]);
    int rate = atoi (argv[5]);
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, local ? ZMQ_SUB : ZMQ_XPUB);
    check (zmq_setsockopt (s, ZMQ_RATE, &rate, sizeof rate), "zmq_setsockopt");
    if (local) {
        check (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "", 0), "zmq_setsockopt");
    } else {
        int nodrop = 1;
        check (zmq_setsockopt (s, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop),
               "zmq_setsockopt");
    }
    check (zmq_connect (s, endpoint), "zmq_connect");
    zmq_msg_t msg;
    if (local) {
        check (zmq_msg_init (&msg), "zmq_msg_init");
        check (zmq_msg_recv (&msg, s, 0), "zmq_recvmsg");
        void *watch = zmq_stopwatch_start ();
        for (int i = 1; i < count; i++) {
            check (zmq_msg_recv (&msg, s, 0), "zmq_recvmsg");
            if (zmq_msg_size (&msg) != size) {
                fprintf (stderr, "message of incorrect size received\n");
                return 1;
            }
        }
        unsigned long elapsed = zmq_stopwatch_stop (watch);
        if (elapsed == 0)
            elapsed = 1;
        double throughput = (double) count / (double) elapsed * 1000000;
        double megabits = throughput * (double) size * 8 / 1000000;
        printf ("message size: %d [B]\n", (int) size);
        printf ("message count: %d\n", count);
        printf ("mean throughput: %d [msg/s]\n", (int) throughput);
        printf ("mean throughput: %.3f [Mb/s]\n", megabits);
        zmq_msg_close (&msg);
    } else {
        for (int i = 0; i < count; i++) {
            check (zmq_msg_init_size (&msg, size), "zmq_msg_init_size");
            check (zmq_msg_send (&msg, s, 0), "zmq_sendmsg");
        }
        /* OpenPGM's window closes with the socket: stay for repairs (a ferrozmq source
         * stays until its receivers have been quiet for a second). */
        zmq_sleep (5);
    }
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
