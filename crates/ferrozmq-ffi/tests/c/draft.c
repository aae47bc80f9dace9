/* Draft API behaviours (built with ZMQ_BUILD_DRAFT_API, against ours only: Debian's libzmq
   is built without drafts): zmq_poller_* with thread-safe sockets, its descriptor
   (zmq_poller_fd) waited on from poll(2) as another event loop would, and libzmq's answers
   for empty and event-less sets. Prints "ok" at the end. */
#include "check.h"
#include <poll.h>

static void poller_descriptor (void *ctx)
{
    void *server = zmq_socket (ctx, ZMQ_SERVER);
    void *client = zmq_socket (ctx, ZMQ_CLIENT);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (zmq_bind (server, "inproc://poller-fd") == 0);
    CHECK (zmq_connect (client, "inproc://poller-fd") == 0);
    void *poller = zmq_poller_new ();
    int fd;
    CHECK (zmq_poller_add (poller, pull, NULL, ZMQ_POLLIN) == 0);
    CHECK (zmq_poller_fd (poller, &fd) == -1 && errno == EINVAL);
    CHECK (zmq_poller_add (poller, server, server, ZMQ_POLLIN) == 0);
    CHECK (zmq_poller_fd (poller, &fd) == 0 && fd >= 0);
    zmq_poller_event_t event;
    CHECK (zmq_poller_wait (poller, &event, 0) == -1 && errno == EAGAIN);
    struct pollfd wake = {fd, POLLIN, 0};
    CHECK (poll (&wake, 1, 0) == 0);
    CHECK (zmq_send (client, "hi", 2, 0) == 2);
    CHECK (poll (&wake, 1, 10000) == 1);
    CHECK (zmq_poller_wait (poller, &event, 0) == 0);
    CHECK (event.socket == server && event.user_data == server && event.fd == -1
           && event.events == ZMQ_POLLIN);
    /* The wait took what woke the descriptor. */
    CHECK (poll (&wake, 1, 0) == 0);
    /* No room for events: nothing to report. */
    CHECK (zmq_poller_wait_all (poller, &event, 0, 0) == -1 && errno == EAGAIN);
    CHECK (zmq_poller_destroy (&poller) == 0);
    zmq_close (pull);
    zmq_close (client);
    CHECK (zmq_close (server) == 0);
}

static void sets_without_events (void *ctx)
{
    void *poller = zmq_poller_new ();
    zmq_poller_event_t event;
    CHECK (zmq_poller_wait_all (poller, &event, 0, 0) == -1 && errno == EAGAIN);
    CHECK (zmq_poller_wait_all (poller, &event, 1, -1) == -1 && errno == EFAULT);
    CHECK (zmq_poller_wait_all (poller, &event, -1, 0) == -1 && errno == EINVAL);
    /* An entry waiting for no events counts as absent: waiting forever is EFAULT. */
    void *server = zmq_socket (ctx, ZMQ_SERVER);
    CHECK (zmq_poller_add (poller, server, NULL, 0) == 0);
    CHECK (zmq_poller_wait_all (poller, &event, 1, 0) == -1 && errno == EAGAIN);
    CHECK (zmq_poller_wait_all (poller, &event, 1, -1) == -1 && errno == EFAULT);
    CHECK (zmq_poller_destroy (&poller) == 0);
    CHECK (zmq_close (server) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    poller_descriptor (ctx);
    sets_without_events (ctx);
    CHECK (zmq_ctx_term (ctx) == 0);
    printf ("ok\n");
    return 0;
}
