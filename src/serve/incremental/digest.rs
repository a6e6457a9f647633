//! A stamp of any `Serialize` value: a serde `Serializer` that feeds every
//! field into a fast hasher instead of writing it out. Stamps of template
//! data are taken this way from the very view a template receives, so they
//! cover whatever a view shows without a second description of it. Every
//! value is written with a tag and every sequence with its length, so two
//! different values do not hash alike by running together.

use std::hash::Hasher;

use serde::ser::{self, Serialize};
use twox_hash::XxHash3_64;

/// The stamp of `value`'s serialized form.
pub(super) fn digest(value: &impl Serialize) -> u64 {
    digest_reading(value, &[]).0
}

/// The same, with `listed[i][part]` standing for that part of page i's
/// listing wherever a `views::Listed` of it appears (the digest of that very
/// part); and the pages the value showed, listed or linked
/// (`views::listed`), in order.
pub(super) fn digest_reading(value: &impl Serialize, listed: &[Vec<u64>]) -> (u64, Vec<u32>) {
    // Bytes are gathered and hashed a block at a time: a streaming hasher fed
    // a few bytes at a time is several times slower, and a big view's bytes
    // gathered whole cost more to allocate than to hash.
    let mut d = Digest(Vec::with_capacity(4 * 1024), listed, Vec::new(), None);
    // Gathering bytes cannot fail; a view that refuses to serialize (none of
    // ours does) would fail its render too, so any stamp will do.
    let _ = value.serialize(&mut d);
    let stamp = match d.3 {
        None => XxHash3_64::oneshot(&d.0),
        Some(mut hasher) => {
            hasher.write(&d.0);
            hasher.finish()
        }
    };
    (stamp, d.2)
}

/// How many gathered bytes are handed to the hasher at once.
const BLOCK: usize = 64 * 1024;

/// Strings longer than this are hashed on their own.
const LONG: usize = 1024;

/// The serialized form as bytes to hash, the listings' digests, the pages
/// read, and the hasher of the blocks gathered so far.
struct Digest<'l>(Vec<u8>, &'l [Vec<u64>], Vec<u32>, Option<Box<XxHash3_64>>);

/// The few `Hasher`-like writes the serializer needs.
trait Put {
    fn write_u8(&mut self, v: u8);
    fn write_u32(&mut self, v: u32);
    fn write_u64(&mut self, v: u64);
    fn write_i64(&mut self, v: i64);
    fn write_u128(&mut self, v: u128);
    fn write_i128(&mut self, v: i128);
    fn write_usize(&mut self, v: usize);
    fn write(&mut self, b: &[u8]);
}

impl Put for Vec<u8> {
    fn write_u8(&mut self, v: u8) {
        self.push(v);
    }
    fn write_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn write_u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn write_i64(&mut self, v: i64) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn write_u128(&mut self, v: u128) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn write_i128(&mut self, v: i128) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn write_usize(&mut self, v: usize) {
        self.extend_from_slice(&(v as u64).to_le_bytes());
    }
    fn write(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unserializable")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

impl Digest<'_> {
    fn tag(&mut self, t: u8) {
        if self.0.len() >= BLOCK {
            let hasher = self.3.get_or_insert_with(Box::default);
            hasher.write(&self.0);
            self.0.clear();
        }
        self.0.write_u8(t);
    }
    fn bytes(&mut self, t: u8, b: &[u8]) {
        self.tag(t);
        self.0.write_usize(b.len());
        self.0.write(b);
    }
}

type R = Result<(), Never>;

impl<'a, 'l> ser::Serializer for &'a mut Digest<'l> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> R {
        self.tag(1);
        self.0.write_u8(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R {
        self.tag(2);
        self.0.write_i64(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.tag(3);
        self.0.write_i128(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R {
        self.tag(4);
        self.0.write_u64(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.tag(5);
        self.0.write_u128(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tag(6);
        self.0.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.tag(7);
        self.0.write_u32(u32::from(v));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        if v.len() > LONG {
            // A page's body: hashed where it lies rather than copied.
            self.tag(22);
            self.0.write_u64(XxHash3_64::oneshot(v.as_bytes()));
        } else {
            self.bytes(8, v.as_bytes());
        }
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.bytes(9, v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(10);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        self.tag(11);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(12);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> R {
        self.tag(13);
        self.0.write_u32(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> R {
        use crate::views::{LINKED, LISTED, MARKED};
        let marked = MARKED.with(|slot| slot.take());
        if let Some((page, part)) = marked.filter(|_| name == LISTED || name == LINKED) {
            self.2.push(page as u32);
            if name == LISTED
                && let Some(known) = self.1.get(page).and_then(|d| d.get(part as usize))
            {
                self.tag(21);
                self.0.write_u64(*known);
                return Ok(());
            }
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> R {
        self.tag(14);
        self.0.write_u32(index);
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Never> {
        self.tag(15);
        // An unknown length is closed by `end`'s tag instead.
        self.0.write_usize(len.unwrap_or(usize::MAX));
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Never> {
        self.0.write_u32(index);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self, Never> {
        self.tag(16);
        self.0.write_usize(len.unwrap_or(usize::MAX));
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Never> {
        self.0.write_u32(index);
        self.serialize_map(Some(len))
    }
}

/// The four sequence-like parts are alike: each element in turn, then an end tag.
macro_rules! sequence_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Digest<'_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
                value.serialize(&mut **self)
            }
            fn end(self) -> R {
                self.tag(17);
                Ok(())
            }
        }
    )*};
}

sequence_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Digest<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> R {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(18);
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Digest<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> R {
        self.bytes(19, key.as_bytes());
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> R {
        self.bytes(20, key.as_bytes());
        Ok(())
    }
    fn end(self) -> R {
        self.tag(18);
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Digest<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> R {
        self.bytes(19, key.as_bytes());
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(18);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_agree_and_different_ones_differ() {
        let a = digest(&("title", vec!["x", "y"], Some(3)));
        assert_eq!(a, digest(&("title", vec!["x", "y"], Some(3))));
        assert_ne!(a, digest(&("title", vec!["xy"], Some(3))));
        assert_ne!(a, digest(&("title", vec!["x", "y"], None::<i32>)));
        assert_ne!(
            digest(&vec![vec![1], vec![]]),
            digest(&vec![vec![], vec![1]])
        );
        let v = serde_json::json!({"a": [1, 2], "b": "c"});
        assert_ne!(
            digest(&v),
            digest(&serde_json::json!({"a": [1, 2], "b": "d"}))
        );
    }
}
