/* Draft API behaviours (built with ZMQ_BUILD_DRAFT_API, against ours only: Debian's libzmq
   is built without drafts): zmq_poller_* with thread-safe sockets, its descriptor
   (zmq_poller_fd) waited on from poll(2) as another event loop would, and libzmq's answers
   for empty and event-less sets; a CLIENT used by two threads at once (libzmq's
   test_thread_safe). Prints "ok" at the end. */
#include "check.h"
#include <poll.h>
#include <pthread.h>

#define PER_THREAD 5000

static void *send_many (void *client)
{
    for (int i = 0; i < PER_THREAD; i++)
        CHECK (zmq_send (client, "0", 1, 0) == 1);
    CHECK (zmq_send (client, "1", 1, 0) == 1);
    return NULL;
}

static void threads_share_a_client (void *ctx)
{
    void *server = zmq_socket (ctx, ZMQ_SERVER);
    void *client = zmq_socket (ctx, ZMQ_CLIENT);
    set_timeouts (server);
    CHECK (zmq_bind (server, "tcp://127.0.0.1:*") == 0);
    char endpoint[256];
    size_t size = sizeof endpoint;
    CHECK (zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, endpoint, &size) == 0);
    CHECK (zmq_connect (client, endpoint) == 0);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        CHECK (pthread_create (&threads[i], NULL, send_many, client) == 0);
    int received = 0, finished = 0;
    char data;
    while (finished < 2) {
        CHECK (zmq_recv (server, &data, 1, 0) == 1);
        received++;
        finished += data == '1';
    }
    CHECK (received == 2 * (PER_THREAD + 1));
    for (int i = 0; i < 2; i++)
        CHECK (pthread_join (threads[i], NULL) == 0);
    zmq_close (client);
    CHECK (zmq_close (server) == 0);
}

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
    threads_share_a_client (ctx);
    CHECK (zmq_ctx_term (ctx) == 0);
    printf ("ok\n");
    return 0;
}
