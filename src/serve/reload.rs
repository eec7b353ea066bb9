//! Live reload: a small script put into every served HTML page (never into `build` output)
//! that listens on the event stream and reloads the page after a rebuild, or shows the error
//! overlay while the content has errors.

/// The path of the live-reload event stream, which the server answers and the script listens on.
pub const EVENTS_PATH: &str = "/__mailguide/events";

/// One Server-Sent Event. `data` must be one line (JSON for the overlay).
pub fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// The script, for a page of generation `generation`: a page older than the server's state
/// (a rebuild finished while it loaded) reloads as soon as it connects.
fn script(generation: u64) -> String {
    format!(
        r#"<script data-mailguide-live-reload>(function(){{
var gen="{generation}",es=new EventSource("{EVENTS_PATH}");
es.addEventListener("hello",function(e){{if(e.data!==gen)location.reload();}});
es.addEventListener("reload",function(){{location.reload();}});
es.addEventListener("overlay",function(e){{
var old=document.getElementById("mailguide-overlay");if(old)old.remove();
var t=document.createElement("template");t.innerHTML=JSON.parse(e.data);document.body.appendChild(t.content);}});
}})();</script>"#
    )
}

/// Puts the script (and the overlay, when given) before the page's last `</body>`, or at its end.
pub fn inject(page: &[u8], generation: u64, overlay: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(overlay) = overlay {
        extra.push_str(overlay);
    }
    extra.push_str(&script(generation));
    let at = find_last_ci(page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + extra.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

fn find_last_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=haystack.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></BODY></html>", 7, Some("<div>o</div>"))).expect("utf-8");
        assert!(out.starts_with("<html><body><p>x</p><div>o</div><script data-mailguide-live-reload>"));
        assert!(out.contains(r#"var gen="7""#));
        assert!(out.ends_with("</script></BODY></html>"));
        let bare = String::from_utf8(inject(b"<p>fragment</p>", 1, None)).expect("utf-8");
        assert!(bare.starts_with("<p>fragment</p><script"));
    }
}
