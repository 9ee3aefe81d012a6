// Building and signing CRLs. Entries are written straight into one DER buffer: a million entries
// cost a few hundred milliseconds instead of a million OpenSSL ASN.1 objects.
#include <openssl/evp.h>

#include <algorithm>

#include <map>

#include "crypto/der_writer.hpp"
#include "crypto/native.hpp"
#include "iotops/crypto/crl.hpp"

namespace iotops::crypto {

namespace {

using namespace der;

// OID contents (without tag and length).
constexpr std::uint8_t oid_aki[] = {0x55, 0x1D, 0x23};
constexpr std::uint8_t oid_crl_number[] = {0x55, 0x1D, 0x14};
constexpr std::uint8_t oid_delta_indicator[] = {0x55, 0x1D, 0x1B};
constexpr std::uint8_t oid_idp[] = {0x55, 0x1D, 0x1C};
constexpr std::uint8_t oid_reason[] = {0x55, 0x1D, 0x15};
constexpr std::uint8_t oid_hold[] = {0x55, 0x1D, 0x17};
constexpr std::uint8_t oid_invalidity[] = {0x55, 0x1D, 0x18};

// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
void put_extension(Bytes& out, ByteView oid, bool critical, ByteView value) {
    Bytes body;
    body.reserve(oid.size() + value.size() + 8);
    put_tlv(body, 0x06, oid);
    if (critical) body.insert(body.end(), {0x01, 0x01, 0xFF});
    put_tlv(body, 0x04, value);
    put_tlv(out, 0x30, body);
}

// AlgorithmIdentifier of the signature for this key and hash.
Bytes signature_algorithm(EVP_PKEY* pkey, Hash hash) {
    int id = EVP_PKEY_get_base_id(pkey);
    int h = hash == Hash::sha256 ? 0 : hash == Hash::sha384 ? 1 : 2;
    if (id == EVP_PKEY_ED25519) return {0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70};
    if (id == EVP_PKEY_EC)
        return {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, static_cast<std::uint8_t>(0x02 + h)};
    if (id == EVP_PKEY_RSA)
        return {0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01,
                static_cast<std::uint8_t>(0x0B + h), 0x05, 0x00};
    throw Error(ErrorKind::usage, "CRL signing supports EC, Ed25519 and RSA keys");
}

const EVP_MD* md_of(EVP_PKEY* pkey, Hash hash) {
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519) return nullptr;
    return hash == Hash::sha256 ? EVP_sha256() : hash == Hash::sha384 ? EVP_sha384() : EVP_sha512();
}

Bytes oid_der_contents(const std::string& dotted) {
    AsnObjPtr obj(OBJ_txt2obj(dotted.c_str(), 1));
    if (!obj) throw Error(ErrorKind::malformed, "not an OID: " + dotted);
    const unsigned char* p = OBJ_get0_data(obj.get());
    return Bytes(p, p + OBJ_length(obj.get()));
}

Bytes key_id_of(const Certificate& signer) {
    if (auto ski = signer.subject_key_id()) return *ski;
    // RFC 5280 4.2.1.2 method 1 when the signer has no SKI.
    const unsigned char* pk = nullptr;
    int len = 0;
    X509_PUBKEY_get0_param(nullptr, &pk, &len, nullptr, X509_get_X509_PUBKEY(native(signer)));
    Bytes id(20);
    unsigned int n = 0;
    EVP_Digest(pk, static_cast<size_t>(len), id.data(), &n, EVP_sha1(), nullptr);
    return id;
}

void put_entry(Bytes& out, Bytes& scratch, Bytes& exts, const CrlEntry& e, std::map<std::string, Bytes>& oid_cache) {
    scratch.clear();
    put_integer_hex(scratch, e.serial_hex);
    put_time(scratch, e.revoked);
    if (e.reason || e.invalidity || e.hold_instruction_oid) {
        exts.clear();
        if (e.reason) {
            const std::uint8_t v[] = {0x0A, 0x01, static_cast<std::uint8_t>(*e.reason)};
            put_extension(exts, oid_reason, false, v);
        }
        if (e.hold_instruction_oid) {
            auto it = oid_cache.find(*e.hold_instruction_oid);
            if (it == oid_cache.end())
                it = oid_cache.emplace(*e.hold_instruction_oid, tlv(0x06, oid_der_contents(*e.hold_instruction_oid))).first;
            put_extension(exts, oid_hold, false, it->second);
        }
        if (e.invalidity) {
            Bytes t;
            put_generalized_time(t, *e.invalidity);
            put_extension(exts, oid_invalidity, false, t);
        }
        put_tlv(scratch, 0x30, exts);
    }
    put_tlv(out, 0x30, scratch);
}

}  // namespace

Bytes build_crl(const CrlSpec& spec, const std::vector<CrlEntry>& entries, const Certificate& signer,
                const PrivateKey& key) {
    std::size_t i = 0;
    return build_crl(
        spec, [&](CrlEntry& e) { return i < entries.size() && (e = entries[i++], true); }, entries.size(), signer, key);
}

Bytes build_crl(const CrlSpec& spec, const CrlEntrySource& next, std::size_t count_hint, const Certificate& signer,
                const PrivateKey& key) {
    EVP_PKEY* pkey = native(key);
    if (X509_check_private_key(native(signer), pkey) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::usage, "the CRL signing key does not match the signer certificate");
    }
    Bytes alg = signature_algorithm(pkey, spec.hash);

    // The CRL is assembled in one buffer. Everything that precedes the entry list is known before
    // it (its length aside), so the entries are written after room left for it and the list -- tens
    // of megabytes for a million entries -- is never copied into a TBS and then into a CRL.
    Bytes prefix{0x02, 0x01, 0x01};  // version v2
    prefix.insert(prefix.end(), alg.begin(), alg.end());
    Bytes issuer = der_of(X509_get_subject_name(native(signer)), i2d_X509_NAME, "CRL issuer name");
    prefix.insert(prefix.end(), issuer.begin(), issuer.end());
    put_time(prefix, spec.this_update);
    put_time(prefix, spec.next_update);
    constexpr std::size_t max_header = 10;  // tag and length of a SEQUENCE
    const std::size_t room = prefix.size() + 3 * max_header;  // list, TBSCertList and CRL headers

    Bytes buf(room);
    buf.reserve(room + count_hint * 40 + 1024);
    Bytes scratch, exts;
    std::map<std::string, Bytes> oid_cache;
    CrlEntry e;
    while (next(e)) put_entry(buf, scratch, exts, e, oid_cache);
    const std::size_t list_len = buf.size() - room;

    Bytes crl_exts;
    {
        Bytes aki_inner = tlv(0x80, key_id_of(signer));
        put_extension(crl_exts, oid_aki, false, tlv(0x30, aki_inner));
        Bytes num;
        put_integer_hex(num, spec.crl_number_hex);
        put_extension(crl_exts, oid_crl_number, false, num);
        if (spec.delta_base_hex) {
            Bytes base;
            put_integer_hex(base, *spec.delta_base_hex);
            put_extension(crl_exts, oid_delta_indicator, true, base);
        }
        if (!spec.idp_uris.empty()) {
            Bytes names;
            for (const auto& uri : spec.idp_uris) put_tlv(names, 0x86, as_bytes(uri));
            put_extension(crl_exts, oid_idp, true, tlv(0x30, tlv(0xA0, tlv(0xA0, names))));
        }
    }
    Bytes exts_wrapped = tlv(0xA0, tlv(0x30, crl_exts));
    buf.insert(buf.end(), exts_wrapped.begin(), exts_wrapped.end());

    // Fill the room backwards: TBSCertList header, prefix, revokedCertificates header.
    Bytes list_head;
    if (list_len > 0) {  // an empty list is left out (RFC 5280 5.1.2.6)
        list_head.push_back(0x30);
        put_length(list_head, list_len);
    }
    Bytes tbs_head{0x30};
    put_length(tbs_head, prefix.size() + list_head.size() + list_len + exts_wrapped.size());
    std::size_t tbs_at = room - list_head.size() - prefix.size() - tbs_head.size();
    auto place = [&](std::size_t at, const Bytes& part) { std::copy(part.begin(), part.end(), buf.begin() + static_cast<std::ptrdiff_t>(at)); };
    place(tbs_at, tbs_head);
    place(tbs_at + tbs_head.size(), prefix);
    place(room - list_head.size(), list_head);
    ByteView tbs(buf.data() + tbs_at, buf.size() - tbs_at);

    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t siglen = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md_of(pkey, spec.hash), nullptr, pkey) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &siglen, tbs.data(), tbs.size()) != 1)
        throw_openssl(ErrorKind::internal, "sign CRL");
    Bytes sig(siglen + 1);
    sig[0] = 0;  // no unused bits
    if (EVP_DigestSign(ctx.get(), sig.data() + 1, &siglen, tbs.data(), tbs.size()) != 1)
        throw_openssl(ErrorKind::internal, "sign CRL");
    sig.resize(siglen + 1);

    buf.insert(buf.end(), alg.begin(), alg.end());  // (tbs is not used from here on: buf may move)
    put_tlv(buf, 0x03, sig);
    Bytes crl_head{0x30};
    put_length(crl_head, buf.size() - tbs_at);
    std::size_t crl_at = tbs_at - crl_head.size();
    place(crl_at, crl_head);
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(crl_at));  // one move in place
    return buf;
}

std::string crl_pem(ByteView der) {
    // 48 bytes to a 64-character line, as PEM_write does it, into a string reserved at its final size.
    constexpr std::string_view begin = "-----BEGIN X509 CRL-----\n", end = "-----END X509 CRL-----\n";
    std::string out;
    out.reserve(begin.size() + (der.size() + 47) / 48 * 65 + end.size());
    out += begin;
    char line[66];
    for (std::size_t i = 0; i < der.size(); i += 48) {
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(line), der.data() + i,
                                static_cast<int>(std::min<std::size_t>(48, der.size() - i)));
        line[n] = '\n';
        out.append(line, static_cast<std::size_t>(n) + 1);
    }
    out += end;
    return out;
}

}  // namespace iotops::crypto
