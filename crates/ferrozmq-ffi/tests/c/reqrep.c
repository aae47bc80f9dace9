/* REQ/REP over tcp, either side: `reqrep server COUNT` binds a REP on a free port, prints the
   endpoint and answers COUNT requests "Hello N" with "World N"; `reqrep client ENDPOINT
   COUNT` sends them and checks each answer. The server replies through zmq_msg_init_data and
   checks its free callback ran once per reply. */
#include "check.h"
#include <string.h>

static int freed;

static void count_free (void *data, void *hint)
{
    (void) hint;
    free (data);
    freed++;
}

static void serve (void *rep, int count)
{
    bind_and_announce (rep);
    for (int i = 0; i < count; i++) {
        zmq_msg_t request;
        CHECK (zmq_msg_init (&request) == 0);
        CHECK (zmq_msg_recv (&request, rep, 0) >= 0);
        char expected[64];
        snprintf (expected, sizeof expected, "Hello %d", i);
        CHECK (zmq_msg_size (&request) == strlen (expected));
        CHECK (memcmp (zmq_msg_data (&request), expected, strlen (expected)) == 0);
        CHECK (zmq_msg_close (&request) == 0);

        char *reply = malloc (64);
        int size = snprintf (reply, 64, "World %d", i);
        zmq_msg_t message;
        CHECK (zmq_msg_init_data (&message, reply, (size_t) size, count_free, NULL) == 0);
        CHECK (zmq_msg_send (&message, rep, 0) == size);
        CHECK (zmq_msg_close (&message) == 0);
    }
}

static void ask (void *req, const char *endpoint, int count)
{
    CHECK (zmq_connect (req, endpoint) == 0);
    for (int i = 0; i < count; i++) {
        char request[64], expected[64], reply[64];
        int size = snprintf (request, sizeof request, "Hello %d", i);
        CHECK (zmq_send (req, request, (size_t) size, 0) == size);
        zmq_pollitem_t items[] = {{req, 0, ZMQ_POLLIN, 0}};
        CHECK (zmq_poll (items, 1, 10000) == 1);
        CHECK (items[0].revents & ZMQ_POLLIN);
        int got = zmq_recv (req, reply, sizeof reply, 0);
        int want = snprintf (expected, sizeof expected, "World %d", i);
        CHECK (got == want && memcmp (reply, expected, (size_t) want) == 0);
    }
}

int main (int argc, char **argv)
{
    CHECK (argc >= 3);
    int server = strcmp (argv[1], "server") == 0;
    int count = atoi (argv[argc - 1]);
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *socket = zmq_socket (ctx, server ? ZMQ_REP : ZMQ_REQ);
    CHECK (socket);
    set_timeouts (socket);
    if (server)
        serve (socket, count);
    else
        ask (socket, argv[2], count);
    CHECK (zmq_close (socket) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    /* Frames up to 33 bytes are copied inline, so every callback has run by now. */
    CHECK (!server || freed == count);
    printf ("ok %d\n", count);
    return 0;
}
