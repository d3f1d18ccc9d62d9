//! The README's reverse-proxy recipe, as written, in front of `healthdex serve`
//! with a real nginx (Debian's package `nginx`, installed by `.ci/run`), started
//! on loopback with a generated configuration around the README's block. Skipped
//! with a message when nginx is not installed, unless `HEALTHDEX_REQUIRE_NGINX=1`
//! (set in CI), where a missing nginx fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Server, fixtures, healthdex, http_exchange, temp_corpus};

const NGINX: &str = "/usr/sbin/nginx";

pub fn nginx_available() -> bool {
    if Path::new(NGINX).exists() {
        return true;
    }
    assert!(
        std::env::var_os("HEALTHDEX_REQUIRE_NGINX").is_none(),
        "HEALTHDEX_REQUIRE_NGINX is set but {NGINX} is missing (apt-get install nginx)"
    );
    eprintln!("skipped: {NGINX} is not installed (apt-get install nginx)");
    false
}

/// The README's nginx block that forwards `/search/`.
pub fn readme_recipe() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    readme
        .split("```nginx\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("location /search/"))
        .expect("the README has an nginx block for /search/")
        .to_string()
}

pub struct Nginx {
    child: Child,
    pub dir: tempfile::TempDir,
    pub base: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts nginx in the foreground with `recipe` (its `listen 80;` moved to a free
/// loopback port and its upstream servers replaced by `upstreams`).
pub fn start_nginx(recipe: &str, upstreams: &[String]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    assert!(recipe.contains("listen 80;") && recipe.contains("server 127.0.0.1:8080"));
    let servers: String = upstreams
        .iter()
        .map(|base| {
            format!(
                "server {} max_fails=1 fail_timeout=2s;\n    ",
                base.trim_start_matches("http://")
            )
        })
        .collect();
    let recipe = recipe
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "server 127.0.0.1:8080 max_fails=1 fail_timeout=2s;",
            servers.trim_end(),
        );
    let root = dir.path().display();
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {root}/nginx.pid;\n\
         error_log {root}/error.log warn;\nevents {{ worker_connections 1024; }}\n\
         http {{\n  log_format traced '$remote_addr \"$request\" $status $request_id';\n\
         access_log {root}/access.log traced;\n\
         client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n\
         fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n\
         {recipe}\n}}\n"
    );
    let conf_path: PathBuf = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, config).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf_path)
        .arg("-e")
        .arg(dir.path().join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not listen: {log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx {
        child,
        dir,
        base: format!("http://127.0.0.1:{port}"),
    }
}

#[test]
fn the_readme_recipe_serves_page_assets_and_api_under_a_prefix() {
    if !nginx_available() {
        return;
    }
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let log = dir.path().join("healthdex.log");
    let server = Server::start(
        dir.path(),
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--access-log",
            log.to_str().unwrap(),
        ],
    );
    let nginx = start_nginx(&readme_recipe(), std::slice::from_ref(&server.base));

    // The page and everything it loads, through the prefix.
    let page = http_exchange(&nginx.base, "GET", "/search/", "");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<div id=\"healthdex\""));
    let assets: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| page.body.split(attr).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .filter(|url| url.starts_with("assets/"))
        .collect();
    assert_eq!(
        assets.len(),
        5,
        "the page's and the UI's scripts and styles: {assets:?}"
    );
    for asset in assets {
        let answer = http_exchange(&nginx.base, "GET", &format!("/search/{asset}"), "");
        assert_eq!(answer.status, 200, "/search/{asset}");
        assert!(
            answer
                .header("cache-control")
                .unwrap()
                .contains("immutable")
        );
        assert!(
            !answer.body.contains("'/api/") && !answer.body.contains("\"/api/"),
            "{asset} calls the API by a relative URL"
        );
    }
    assert_eq!(
        http_exchange(&nginx.base, "GET", "/search", "").status,
        301,
        "nginx sends /search to /search/, where relative URLs resolve"
    );

    // The API, its validators and the request ID, end to end.
    let spoof = "X-Forwarded-For: 203.0.113.66\r\n";
    let search = http_exchange(&nginx.base, "GET", "/search/api/search?q=leaky+gut", spoof);
    assert_eq!(search.status, 200);
    let hits: serde_json::Value = serde_json::from_str(&search.body).unwrap();
    assert_eq!(hits["hits"][0]["path"], "leaky-gut.md");
    assert_eq!(search.header("x-content-type-options"), Some("nosniff"));
    let etag = search.header("etag").unwrap();
    let again = http_exchange(
        &nginx.base,
        "GET",
        "/search/api/search?q=leaky+gut",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!(again.status, 304);
    let id = search.header("x-request-id").unwrap().to_string();
    assert_eq!(id.len(), 32, "nginx's $request_id: {id}");
    assert_eq!(
        http_exchange(&nginx.base, "GET", "/search/healthz", "").status,
        200
    );
    assert!(server.terminate().success());
    let ours = std::fs::read_to_string(&log).unwrap();
    let line = ours
        .lines()
        .find(|line| line.contains(&id))
        .unwrap_or_else(|| panic!("healthdex logged nginx's request ID {id}: {ours}"));
    assert!(
        line.starts_with("127.0.0.1 "),
        "the recipe overwrites a client's forged X-Forwarded-For: {line}"
    );
    assert!(!ours.contains("203.0.113.66"));
    assert!(
        nginx.access_log().contains(&id),
        "nginx logged the same ID: {}",
        nginx.access_log()
    );
}
