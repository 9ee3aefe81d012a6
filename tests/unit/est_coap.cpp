
TEST_CASE("coap: plain CoAP without DTLS") {
    CoapServer server({});
    server.add({"/echo", {CoapMethod::post}, {}, {}, "", [](const CoapRequest& r) {
                    CHECK(r.peer_chain.empty());
                    return CoapResponse{coap_code::changed, r.content_format, r.payload};
                }});
    int port = server.bind("127.0.0.1", 0);
    CHECK(server.origin() == "coap://127.0.0.1:" + std::to_string(port));
    std::thread t([&] { server.run(); });
    CoapClientOptions o;
    o.timeout_ms = 10000;
    Bytes body = pattern(2500);
    CoapClientResponse r;
    {
        CoapClient c(server.origin(), o);
        CHECK(c.server_chain().empty());
        r = c.request(CoapMethod::post, "/echo", body, coap_format::cbor);
    }
    server.stop();
    t.join();
    CHECK(r.code == coap_code::changed);
    CHECK(r.content_format == coap_format::cbor);
    CHECK(r.payload == body);
    o.provisional = true;
    o.pinned_anchors = {Pki("x").ca};
    CHECK_THROWS_AS(CoapClient("coap://127.0.0.1:1", o), Error);  // certificates need coaps://
}
