//! WebDAV `multistatus` answers (RFC 4918, 6578, 6352) read into plain values.
//!
//! Servers differ in prefixes and namespace declarations, so elements are
//! matched by local name; anything unknown is skipped, and malformed XML is
//! an error, never a panic.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// One `<response>`: a member of the collection and what the server said of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Member {
    /// The `href` as written by the server.
    pub href: String,
    /// The response-level status (a removed member in a sync report: 404).
    pub status: Option<u16>,
    /// The ETag from a 200 propstat.
    pub etag: Option<String>,
    /// The vCard text from a 200 propstat (addressbook-multiget).
    pub address_data: Option<String>,
    /// Whether its resourcetype holds `collection`.
    pub is_collection: bool,
    /// Whether its resourcetype holds `addressbook`.
    pub is_address_book: bool,
}

/// A whole `<multistatus>`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Multistatus {
    /// The responses, in order.
    pub members: Vec<Member>,
    /// The `sync-token`: of a sync-collection answer, or the collection's property.
    pub sync_token: Option<String>,
    /// The collection's CTag (CalendarServer's `getctag`), which changes whenever a member does.
    pub ctag: Option<String>,
}

/// The status code of a `HTTP/1.1 404 Not Found` line.
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reads a multistatus body.
pub(super) fn parse(body: &str) -> Result<Multistatus, String> {
    let mut reader = Reader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    let mut out = Multistatus::default();
    let mut member = Member::default();
    let mut prop = Member::default();
    let mut propstat_status: Option<u16> = None;
    let mut text = String::new();
    loop {
        let event = reader.read_event().map_err(|e| format!("malformed XML: {e}"))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "response" => member = Member::default(),
                    "propstat" => {
                        prop = Member::default();
                        propstat_status = None;
                    }
                    _ => {}
                }
                text.clear();
                path.push(name);
            }
            Event::Empty(e) => {
                let name = e.local_name();
                if path.iter().any(|p| p == "resourcetype") {
                    match name.as_ref() {
                        b"collection" => prop.is_collection = true,
                        b"addressbook" => prop.is_address_book = true,
                        _ => {}
                    }
                }
            }
            Event::Text(t) => {
                let decoded = t.decode().map_err(|e| format!("malformed XML text: {e}"))?;
                let unescaped =
                    quick_xml::escape::unescape(&decoded).map_err(|e| format!("malformed XML text: {e}"))?;
                text.push_str(&unescaped);
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| format!("malformed XML text: {e}"))?;
                let resolved = match name.as_ref() {
                    "amp" => Some("&".to_owned()),
                    "lt" => Some("<".to_owned()),
                    "gt" => Some(">".to_owned()),
                    "quot" => Some("\"".to_owned()),
                    "apos" => Some("'".to_owned()),
                    _ => r.resolve_char_ref().ok().flatten().map(String::from),
                };
                text.push_str(&resolved.unwrap_or_default());
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { return Err("malformed XML: unbalanced end tag".into()) };
                let in_propstat = path.iter().any(|p| p == "propstat");
                match name.as_str() {
                    "href" if path.last().is_some_and(|p| p == "response") => member.href = text.trim().to_owned(),
                    "status" if in_propstat => propstat_status = status_code(&text),
                    "status" if path.last().is_some_and(|p| p == "response") => member.status = status_code(&text),
                    "getetag" => prop.etag = Some(text.trim().to_owned()),
                    "address-data" => prop.address_data = Some(std::mem::take(&mut text)),
                    "collection" if path.iter().any(|p| p == "resourcetype") => prop.is_collection = true,
                    "addressbook" if path.iter().any(|p| p == "resourcetype") => prop.is_address_book = true,
                    "propstat" if propstat_status.is_none_or(|s| (200..300).contains(&s)) => {
                        let found = std::mem::take(&mut prop);
                        member.etag = found.etag.or(member.etag.take());
                        member.address_data = found.address_data.or(member.address_data.take());
                        member.is_collection |= found.is_collection;
                        member.is_address_book |= found.is_address_book;
                    }
                    "response" => out.members.push(std::mem::take(&mut member)),
                    // At the top of a sync report, or the collection's property in a PROPFIND.
                    "sync-token" if !text.trim().is_empty() => out.sync_token = Some(text.trim().to_owned()),
                    "getctag" if !text.trim().is_empty() => out.ctag = Some(text.trim().to_owned()),
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_removed_members_are_read_whatever_the_server_writes() {
        let body = r#"<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
 <d:response><d:href>/ab/a%20b.vcf</d:href>
  <d:propstat><d:prop><d:getetag>"1"</d:getetag><card:address-data>BEGIN:VCARD&#13;
FN:A &amp; B
END:VCARD</card:address-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  <d:propstat><d:prop><d:displayname/><x:getctag xmlns:x="http://calendarserver.org/ns/"/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
 </d:response>
 <response xmlns="DAV:"><href>/ab/gone.vcf</href><status>HTTP/1.1 404 Not Found</status></response>
 <d:response><d:href>/ab/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><cs:getctag xmlns:cs="http://calendarserver.org/ns/">"c-7"</cs:getctag></d:prop>
  <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
 <d:sync-token>http://radicale.org/ns/sync/42</d:sync-token>
</d:multistatus>"#;
        let parsed = parse(body).expect("parsed");
        assert_eq!(parsed.sync_token.as_deref(), Some("http://radicale.org/ns/sync/42"));
        assert_eq!(parsed.ctag.as_deref(), Some("\"c-7\""));
        let [card, gone, book] = parsed.members.as_slice() else { panic!("three members: {parsed:?}") };
        assert_eq!((card.href.as_str(), card.etag.as_deref()), ("/ab/a%20b.vcf", Some("\"1\"")));
        assert_eq!(card.address_data.as_deref(), Some("BEGIN:VCARD\r\nFN:A & B\nEND:VCARD"));
        assert_eq!((gone.href.as_str(), gone.status), ("/ab/gone.vcf", Some(404)));
        assert!(book.is_collection && book.is_address_book);
    }

    #[test]
    fn malformed_answers_are_errors_not_panics() {
        for body in ["<a><b></a>", "</x>", "<d:multistatus xmlns:d=\"DAV:\"><d:response>&bogus;"] {
            let _ = parse(body);
        }
        assert!(parse("</x>").is_err());
    }
}
