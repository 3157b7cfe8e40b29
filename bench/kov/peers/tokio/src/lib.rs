//! What tokio-echo and tokio-http share: `--listen HOST:PORT`, a current_thread runtime, an
//! accept loop spawning one task per connection (TCP_NODELAY on), and SIGINT/SIGTERM ending
//! the runtime so the process exits with status 0.

use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::task::Poll;

use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

fn listen_addr(name: &str) -> SocketAddr {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, addr] = args.as_slice() {
        if flag == "--listen" {
            if let Ok(a) = addr.parse() {
                return a;
            }
        }
    }
    eprintln!("usage: {name} --listen HOST:PORT   (e.g. 127.0.0.1:8080)");
    std::process::exit(2);
}

async fn accept_loop<F, Fut>(listener: TcpListener, handle: F)
where
    F: Fn(TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(handle(stream));
            }
            Err(e) => eprintln!("tokio peer: accept: {e}"),
        }
    }
}

/// Serves connections with `handle` until SIGINT or SIGTERM; returns the exit status.
pub fn serve<F, Fut>(name: &str, handle: F) -> i32
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let addr = listen_addr(name);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        // Installed before the port listens: a driver may signal as soon as a connect succeeds.
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        let listener = match TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{name}: cannot listen on {addr}: {e}");
                return 1;
            }
        };
        tokio::spawn(accept_loop(listener, handle));
        poll_fn(|cx| {
            if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        0 // dropping the runtime drops every connection task
    })
}
