/* PUB/SUB over tcp, either side: `pubsub pub COUNT` binds an XPUB on a free port, prints the
   endpoint, waits for a subscription (an event, not a sleep), then publishes COUNT
   "weather N" messages as two frames and a final "weather END"; `pubsub sub ENDPOINT COUNT`
   subscribes to "weather" and checks all COUNT arrive in order before END. */
#include "check.h"
#include <string.h>

static void publish (void *xpub, int count)
{
    bind_and_announce (xpub);
    unsigned char subscription[64];
    int size = zmq_recv (xpub, subscription, sizeof subscription, 0);
    CHECK (size == 8 && subscription[0] == 1 && memcmp (subscription + 1, "weather", 7) == 0);
    for (int i = 0; i < count; i++) {
        char body[32];
        int length = snprintf (body, sizeof body, "%d", i);
        CHECK (zmq_send_const (xpub, "weather", 7, ZMQ_SNDMORE) == 7);
        CHECK (zmq_send (xpub, body, (size_t) length, 0) == length);
    }
    CHECK (zmq_send (xpub, "weather", 7, ZMQ_SNDMORE) == 7);
    CHECK (zmq_send (xpub, "END", 3, 0) == 3);
}

static void subscribe (void *sub, const char *endpoint, int count)
{
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "weather", 7) == 0);
    CHECK (zmq_connect (sub, endpoint) == 0);
    for (int i = 0;; i++) {
        char topic[16], body[32];
        CHECK (zmq_recv (sub, topic, sizeof topic, 0) == 7);
        int more;
        size_t more_size = sizeof more;
        CHECK (zmq_getsockopt (sub, ZMQ_RCVMORE, &more, &more_size) == 0 && more == 1);
        int length = zmq_recv (sub, body, sizeof body - 1, 0);
        CHECK (length >= 0);
        body[length] = 0;
        if (strcmp (body, "END") == 0) {
            CHECK (i == count);
            return;
        }
        CHECK (atoi (body) == i);
    }
}

int main (int argc, char **argv)
{
    CHECK (argc >= 3);
    int publisher = strcmp (argv[1], "pub") == 0;
    int count = atoi (argv[argc - 1]);
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *socket = zmq_socket (ctx, publisher ? ZMQ_XPUB : ZMQ_SUB);
    CHECK (socket);
    set_timeouts (socket);
    if (publisher)
        publish (socket, count);
    else
        subscribe (socket, argv[2], count);
    CHECK (zmq_close (socket) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    printf ("ok %d\n", count);
    return 0;
}
