#include "crypto/x509_name.hpp"

namespace iotops::crypto {

Name parse_name(std::string_view text) {
    // "CN=x,O=y" with RFC 4514 backslash escapes; pairs kept in the order written.
    Name out;
    std::string attr, value, *cur = &attr;
    bool seen_eq = false;
    auto flush = [&](std::size_t at) {
        auto trim = [](std::string& s) {
            while (!s.empty() && s.front() == ' ') s.erase(s.begin());
            while (!s.empty() && s.back() == ' ') s.pop_back();
        };
        trim(attr);
        if (!seen_eq || attr.empty())
            throw Error(ErrorKind::malformed, "name: expected attribute=value before offset " + std::to_string(at));
        trim(value);
        out.emplace_back(attr, value);
        attr.clear();
        value.clear();
        cur = &attr;
        seen_eq = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) throw Error(ErrorKind::malformed, "name: dangling backslash at offset " + std::to_string(i));
            *cur += text[++i];
        } else if (c == '=' && !seen_eq) {
            seen_eq = true;
            cur = &value;
        } else if ((c == ',' || c == '+') && seen_eq) {
            flush(i);
        } else {
            *cur += c;
        }
    }
    if (!attr.empty() || seen_eq) flush(text.size());
    return out;
}

X509NamePtr to_x509_name(const Name& name) {
    X509NamePtr out(X509_NAME_new());
    if (!out) throw_openssl(ErrorKind::internal, "name");
    for (const auto& [attr, value] : name) {
        if (X509_NAME_add_entry_by_txt(out.get(), attr.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()),
                                       static_cast<int>(value.size()), -1, 0) != 1)
            throw_openssl(ErrorKind::usage, "name attribute " + attr + "=" + value);
    }
    return out;
}

Name from_x509_name(const X509_NAME* name) {
    Name out;
    int n = X509_NAME_entry_count(name);
    for (int i = 0; i < n; ++i) {
        const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
        int nid = OBJ_obj2nid(obj);
        std::string attr;
        if (nid != NID_undef) {
            attr = OBJ_nid2sn(nid);
        } else {
            char buf[128];
            OBJ_obj2txt(buf, sizeof buf, obj, 1);
            attr = buf;
        }
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        std::string value;
        if (len >= 0) {
            value.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
            OPENSSL_free(utf8);
        }
        out.emplace_back(std::move(attr), std::move(value));
    }
    return out;
}

std::string rfc2253(const X509_NAME* name) {
    return bio_text([&](BIO* bio) { return X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0; }, "print name");
}

Bytes name_der(const X509_NAME* name) { return der_of(name, i2d_X509_NAME, "encode name"); }

}  // namespace iotops::crypto
