# Sourced by the voucher CLI tests: a small PKI made with openssl in the current directory.
#   ca.pem/ca.key          vendor CA (signs masa, pledge)
#   masa.pem/masa.key      MASA signer
#   pledge.pem/pledge.key  IDevID, subject serialNumber SN-0001, with AKI
#   reg.pem/reg.key        registrar (self-signed, cmcRA), also the domain cert to pin
#   other-ca.pem           an unrelated CA
vp_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
vp_ca() {  # vp_ca NAME CN
    vp_key "$1.key"
    openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -out "$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
vp_leaf() {  # vp_leaf NAME SUBJECT CA
    vp_key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 10 -extfile "$1.ext" \
        -out "$1.pem" 2>/dev/null
}
vp_ca ca "voucher test vendor ca"
vp_ca other-ca "unrelated ca"
vp_leaf masa "/CN=voucher test masa" ca
vp_leaf pledge "/CN=pledge/serialNumber=SN-0001" ca
vp_key reg.key
openssl req -x509 -new -key reg.key -subj "/CN=registrar" -days 10 -out reg.pem \
    -addext "extendedKeyUsage=1.3.6.1.5.5.7.3.28,serverAuth,clientAuth" 2>/dev/null
