// Annotated CBOR diagnostic notation in the style of the examples in draft-ietf-suit-manifest:
// every named key is preceded by `/ name /`, bstr-wrapped items are shown as << item >>.
// Anything that does not have the expected shape falls back to plain diagnostic notation, so
// the output shows exactly what is there.
#include <functional>
#include <string>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/suit/inspect.hpp"
#include "iotops/suit/names.hpp"

namespace iotops::suit {
namespace {

constexpr int max_wrapped_depth = 32;

class Printer {
public:
    std::string out;
    int depth_ = 0;

    void newline(int ind) {
        out += '\n';
        out.append(static_cast<std::size_t>(ind) * 4, ' ');
    }
    void plain(const cbor::Value& v) { out += cbor::diagnostic(v); }
    void comment(std::string_view text) {
        out += "/ ";
        out += text;
        out += " / ";
    }

    // A bstr that holds one CBOR item, printed as << item >> by `inner`; plain when it does not decode.
    void wrapped(const cbor::Value& v, int ind, const std::function<void(const cbor::Value&, int)>& inner) {
        std::optional<cbor::Value> item;
        if (v.is_bytes()) {
            try {
                item = cbor::decode(v.as_bytes());
            } catch (const Error&) {
            }
        }
        // Nesting through bstrs is bounded here, not by the decoder: each level is a fresh decode.
        if (!item || depth_ >= max_wrapped_depth) return plain(v);
        ++depth_;
        out += "<< ";
        inner(*item, ind);
        out += " >>";
        --depth_;
    }

    // A map whose integer keys are named in `space`; `value` prints each value.
    void named_map(const cbor::Value& m, int ind, Space space,
                   const std::function<void(std::int64_t, const cbor::Value&, int)>& value) {
        if (!m.is_map()) return plain(m);
        if (m.as_map().empty()) {
            out += "{}";
            return;
        }
        out += "{";
        bool first = true;
        for (const auto& [k, v] : m.as_map()) {
            if (!first) out += ",";
            first = false;
            newline(ind + 1);
            if (k.is_int()) {
                if (auto n = name_of(space, k.as_int())) comment(*n);
                plain(k);
                out += ":";
                value(k.as_int(), v, ind + 1);
            } else {
                plain(k);
                out += ":";
                plain(v);
            }
        }
        newline(ind);
        out += "}";
    }

    void digest(const cbor::Value& d, int ind) {
        if (!d.is_array() || d.as_array().size() != 2 || !d.as_array()[0].is_int()) return plain(d);
        const auto& a = d.as_array();
        out += "[";
        newline(ind + 1);
        comment("algorithm-id");
        plain(a[0]);
        if (auto n = name_of(Space::digest_algorithm, a[0].as_int())) out += " / \"" + std::string(*n) + "\" /";
        out += ",";
        newline(ind + 1);
        comment("digest-bytes");
        plain(a[1]);
        newline(ind);
        out += "]";
    }

    void cose_headers(const cbor::Value& m, int ind) {
        named_map(m, ind, Space::cose_algorithm, [this](std::int64_t, const cbor::Value& v, int) { plain(v); });
    }

    void cose_block(const cbor::Value& v, int ind) {
        bool sign1 = v.is_tag() && v.tag_number() == crypto::cose::tag_sign1;
        bool mac0 = v.is_tag() && v.tag_number() == crypto::cose::tag_mac0;
        if ((!sign1 && !mac0) || !v.tag_content().is_array() || v.tag_content().as_array().size() != 4)
            return plain(v);
        const auto& a = v.tag_content().as_array();
        out += std::to_string(v.tag_number()) + "([";
        newline(ind + 1);
        comment("protected");
        wrapped(a[0], ind + 1, [this](const cbor::Value& h, int i) { protected_header(h, i); });
        out += ",";
        newline(ind + 1);
        comment("unprotected");
        plain(a[1]);
        out += ",";
        newline(ind + 1);
        comment("payload");
        plain(a[2]);
        out += ",";
        newline(ind + 1);
        comment(sign1 ? "signature" : "tag");
        plain(a[3]);
        newline(ind);
        out += "])";
    }

    void protected_header(const cbor::Value& h, int ind) {
        if (!h.is_map()) return plain(h);
        out += "{";
        bool first = true;
        for (const auto& [k, v] : h.as_map()) {
            if (!first) out += ",";
            first = false;
            newline(ind + 1);
            if (k.is_int() && k.as_int() == crypto::cose::label::alg) comment("alg");
            if (k.is_int() && k.as_int() == crypto::cose::label::kid) comment("kid");
            plain(k);
            out += ":";
            plain(v);
            if (k.is_int() && k.as_int() == crypto::cose::label::alg && v.is_int())
                if (auto n = name_of(Space::cose_algorithm, v.as_int())) out += " / \"" + std::string(*n) + "\" /";
        }
        newline(ind);
        out += "}";
    }

    void authentication(const cbor::Value& w, int ind) {
        if (!w.is_array()) return plain(w);
        out += "[";
        const auto& a = w.as_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i) out += ",";
            newline(ind + 1);
            if (i == 0) {
                comment("digest:");
                wrapped(a[i], ind + 1, [this](const cbor::Value& d, int n) { digest(d, n); });
            } else {
                comment("signature:");
                wrapped(a[i], ind + 1, [this](const cbor::Value& b, int n) { cose_block(b, n); });
            }
        }
        newline(ind);
        out += "]";
    }

    void sequence(const cbor::Value& s, int ind) {
        if (!s.is_array() || s.as_array().size() % 2 != 0) return plain(s);
        const auto& a = s.as_array();
        out += "[";
        for (std::size_t i = 0; i < a.size(); i += 2) {
            if (i) out += ",";
            newline(ind + 1);
            if (a[i].is_int())
                if (auto n = name_of(Space::command, a[i].as_int())) comment(*n);
            plain(a[i]);
            out += ",";
            argument(a[i].is_int() ? a[i].as_int() : 0, a[i + 1], ind + 1);
        }
        newline(ind);
        out += "]";
    }

    void wrapped_sequence(const cbor::Value& v, int ind) {
        wrapped(v, ind, [this](const cbor::Value& s, int n) { sequence(s, n); });
    }

    void argument(std::int64_t id, const cbor::Value& arg, int ind) {
        switch (id) {
            case command::override_parameters:
            case command::set_parameters: return parameters(arg, ind);
            case command::run_sequence: return wrapped_sequence(arg, ind);
            case command::try_each: {
                if (!arg.is_array()) return plain(arg);
                out += "[";
                const auto& a = arg.as_array();
                for (std::size_t i = 0; i < a.size(); ++i) {
                    if (i) out += ",";
                    newline(ind + 1);
                    if (a[i].is_null()) plain(a[i]);
                    else wrapped_sequence(a[i], ind + 1);
                }
                newline(ind);
                out += "]";
                return;
            }
            default: plain(arg);
        }
    }

    void parameters(const cbor::Value& p, int ind) {
        named_map(p, ind, Space::parameter, [this](std::int64_t k, const cbor::Value& v, int i) {
            if (k == parameter::image_digest) {
                wrapped(v, i, [this](const cbor::Value& d, int n) { digest(d, n); });
                return;
            }
            plain(v);
            if ((k == parameter::vendor_identifier || k == parameter::class_identifier) && v.is_bytes() &&
                v.as_bytes().size() == 16) {
                std::string h = hex_encode(v.as_bytes());
                out += " / " + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
                       "-" + h.substr(20) + " /";
            }
        });
    }

    void common(const cbor::Value& c, int ind) {
        named_map(c, ind, Space::common, [this](std::int64_t k, const cbor::Value& v, int i) {
            if (k == key::shared_sequence) return wrapped_sequence(v, i);
            if (k == key::components && v.is_array()) {
                out += "[";
                const auto& a = v.as_array();
                for (std::size_t j = 0; j < a.size(); ++j) {
                    if (j) out += ",";
                    newline(i + 1);
                    plain(a[j]);
                }
                newline(i);
                out += "]";
                return;
            }
            plain(v);
        });
    }

    void text(const cbor::Value& t, int ind) {
        if (!t.is_map()) return plain(t);
        out += "{";
        bool first = true;
        for (const auto& [lang, entry] : t.as_map()) {
            if (!first) out += ",";
            first = false;
            newline(ind + 1);
            plain(lang);
            out += ":";
            if (!entry.is_map()) {
                plain(entry);
                continue;
            }
            out += "{";
            bool first_entry = true;
            for (const auto& [k, v] : entry.as_map()) {
                if (!first_entry) out += ",";
                first_entry = false;
                newline(ind + 2);
                if (k.is_int()) {
                    if (auto n = name_of(Space::text, k.as_int())) comment(*n);
                    plain(k);
                    out += ":";
                    plain(v);
                } else {
                    plain(k);
                    out += ":";
                    named_map(v, ind + 2, Space::text_component,
                              [this](std::int64_t, const cbor::Value& x, int) { plain(x); });
                }
            }
            newline(ind + 1);
            out += "}";
        }
        newline(ind);
        out += "}";
    }

    void manifest(const cbor::Value& m, int ind) {
        named_map(m, ind, Space::manifest, [this](std::int64_t k, const cbor::Value& v, int i) {
            if (k == key::common) return wrapped(v, i, [this](const cbor::Value& c, int n) { common(c, n); });
            if (is_severable(k) && v.is_array()) return digest(v, i);  // severed: only its digest is left
            if (k == key::text) return wrapped(v, i, [this](const cbor::Value& t, int n) { text(t, n); });
            if (is_command_sequence(k)) return wrapped_sequence(v, i);
            plain(v);
        });
    }

    void envelope(const cbor::Value& e, int ind) {
        named_map(e, ind, Space::envelope, [this](std::int64_t k, const cbor::Value& v, int i) {
            if (k == key::authentication_wrapper)
                return wrapped(v, i, [this](const cbor::Value& w, int n) { authentication(w, n); });
            if (k == key::manifest) {
                return wrapped(v, i, [this](const cbor::Value& m, int n) {
                    if (m.is_tag() && m.tag_number() == tag_manifest) {
                        out += "1070(";
                        manifest(m.tag_content(), n);
                        out += ")";
                    } else {
                        manifest(m, n);
                    }
                });
            }
            if (k == key::text) return wrapped(v, i, [this](const cbor::Value& t, int n) { text(t, n); });
            if (is_severable(k)) return wrapped_sequence(v, i);
            plain(v);
        });
    }
};

}  // namespace

std::string annotated_diagnostic(const Envelope& env) {
    Printer p;
    if (env.tagged) {
        p.out += "107(";
        p.envelope(env.value, 0);
        p.out += ")";
    } else {
        p.envelope(env.value, 0);
    }
    return p.out + "\n";
}

}  // namespace iotops::suit
