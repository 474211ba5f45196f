//! A strict XML reader for tests: the whole document as a tree, entities
//! resolved, so a test sees what an XML parser sees.
#![allow(dead_code)]

use std::collections::BTreeMap;

use quick_xml::events::Event as Xml;

/// An element of a parsed XML document.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn one<'a>(&'a self, name: &'a str) -> &'a Node {
        let found: Vec<&Node> = self.all(name).collect();
        assert_eq!(found.len(), 1, "one <{name}> in <{}>", self.name);
        found[0]
    }
}

/// An element and its attributes, values unescaped.
fn element(e: &quick_xml::events::BytesStart<'_>) -> Node {
    let mut node = Node {
        name: e.name().as_ref().to_string(),
        ..Node::default()
    };
    for a in e.attributes() {
        let a = a.expect("well-formed attribute");
        node.attrs.insert(
            a.key.as_ref().to_string(),
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .expect("a valid attribute value")
                .into_owned(),
        );
    }
    node
}

/// Parses a whole document strictly, resolving entities: an independent
/// reader of what we write.
pub fn parse_xml(text: &str) -> Node {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Xml::Start(e) => stack.push(element(&e)),
            Xml::End(_) => {
                let node = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(node);
            }
            Xml::Empty(e) => stack.last_mut().unwrap().children.push(element(&e)),
            Xml::Text(t) => stack.last_mut().unwrap().text += &t.xml10_content(),
            Xml::CData(t) => stack.last_mut().unwrap().text += &t.xml10_content(),
            Xml::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c,
                    None => match r.xml10_content().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("undefined entity &{other};"),
                    },
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Xml::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    stack.pop().unwrap()
}

impl Node {
    /// Every element below this one, depth first.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        for c in &self.children {
            out.push(c);
            out.extend(c.descendants());
        }
        out
    }

    /// The element with attribute `id` = `id`, anywhere below.
    pub fn by_id(&self, id: &str) -> Option<&Node> {
        self.descendants()
            .into_iter()
            .find(|n| n.attrs.get("id").map(String::as_str) == Some(id))
    }
}
