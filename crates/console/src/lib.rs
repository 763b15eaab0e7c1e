//! The console: static pages (HTML, CSS, JavaScript, the world map) that
//! call the suite's JSON API, embedded in the binary so that serving them
//! needs no files and the browser needs no network beyond the server.

/// Every file of the console: its path under `/console/`, media type and
/// bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../assets/index.html"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/console.css"),
    ),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/console.js"),
    ),
    (
        "world.svg",
        "image/svg+xml",
        include_bytes!("../assets/world.svg"),
    ),
    (
        "LICENSE-world-map.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/LICENSE-world-map.txt"),
    ),
];

/// Returns the media type and bytes of the console file at `path`
/// (`index.html`), if there is one.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, mime, bytes)| (*mime, *bytes))
}

/// The paths of every console file.
pub fn paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(name, _, _)| *name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_is_utf8_and_found() {
        for path in super::paths() {
            let (mime, bytes) = super::asset(path).unwrap();
            if mime.contains("charset=utf-8") {
                assert!(std::str::from_utf8(bytes).is_ok(), "{path}");
            }
        }
        assert!(super::asset("../Cargo.toml").is_none());
    }
}
