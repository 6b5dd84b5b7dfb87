using System.CommandLine;
using System.Net.Security;
using System.Security.Authentication;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Tls;

namespace Dotcat.Cli;

/// <summary>The <c>--ssl</c> rules, then the files the options name, read once (bad files are usage errors too).</summary>
internal static partial class OptionsBinder
{
    private static DotcatOptions BindTls(DotcatCommand cli, ParseResult parse, DotcatOptions options)
    {
        string? serverName = parse.GetValue(cli.SslServerName), pin = parse.GetValue(cli.SslFingerprint);
        string? alpn = parse.GetValue(cli.SslAlpn), minVersion = parse.GetValue(cli.SslMinVersion);
        string? trustFile = parse.GetValue(cli.SslTrustFile)?.FullName, certFile = parse.GetValue(cli.SslCert)?.FullName;
        string? keyFile = parse.GetValue(cli.SslKey)?.FullName, passwordFile = parse.GetValue(cli.SslKeyPasswordFile)?.FullName;
        bool insecure = parse.GetValue(cli.SslInsecure), verifyClient = parse.GetValue(cli.SslVerifyClient);

        if (!parse.GetValue(cli.Ssl))
        {
            (string Name, bool Given)[] tlsOnly =
            [
                ("--ssl-servername", serverName is not null), ("--ssl-trustfile", trustFile is not null),
                ("--ssl-fingerprint", pin is not null), ("--ssl-insecure", insecure), ("--ssl-alpn", alpn is not null),
                ("--ssl-cert", certFile is not null), ("--ssl-key", keyFile is not null),
                ("--ssl-key-password-file", passwordFile is not null), ("--ssl-min-version", minVersion is not null),
                ("--ssl-verify-client", verifyClient),
            ];
            if (tlsOnly.FirstOrDefault(o => o.Given).Name is { } stray)
                throw new UsageException($"{stray} needs --ssl");
            return options;
        }

        bool listen = options.Mode == Mode.Listen;
        Conflict(options.IsScan, "-z", "--ssl");
        Conflict(options.Endpoint is Endpoint.Unix, "--ssl", "-U/--unixsock");
        Conflict(options.Endpoint.IsDatagram, "--ssl", "-u/--udp");
        Conflict(pin is not null && insecure, "--ssl-fingerprint", "--ssl-insecure");
        // dotcat's own proxy server speaks its protocol in the clear (a TLS proxy is not built).
        Conflict(options.Service is Service.Proxy, "--ssl", "-l --proxy-type");
        // A listener has no server to verify: these options only mean something to a client.
        Conflict(listen && serverName is not null, "--ssl-servername", "-l/--listen");
        Conflict(listen && pin is not null, "--ssl-fingerprint", "-l/--listen");
        Conflict(listen && insecure, "--ssl-insecure", "-l/--listen");
        if (!listen)
        {
            Conflict(pin is not null && trustFile is not null, "--ssl-fingerprint", "--ssl-trustfile");
            Conflict(insecure && trustFile is not null, "--ssl-insecure", "--ssl-trustfile");
            if (verifyClient)
                throw new UsageException("--ssl-verify-client needs -l/--listen");
        }
        else if (verifyClient != (trustFile is not null))
        {
            throw new UsageException(verifyClient
                ? "--ssl-verify-client needs --ssl-trustfile"
                : "--ssl-trustfile on a listener needs --ssl-verify-client (it names the client CAs)");
        }
        if (keyFile is not null && certFile is null)
            throw new UsageException("--ssl-key needs --ssl-cert");
        if (passwordFile is not null && certFile is null)
            throw new UsageException("--ssl-key-password-file needs --ssl-cert/--ssl-key");

        SslProtocols protocols = TlsVersions.Default;
        if (minVersion is not null && !TlsVersions.TryParseMinimum(minVersion, out protocols, out string? versionError))
            throw new UsageException(versionError!);
        IReadOnlyList<SslApplicationProtocol>? protocolsOffered = null;
        if (alpn is not null && !TlsAlpn.TryParse(alpn, out protocolsOffered, out string? alpnError))
            throw new UsageException(alpnError!);
        Fingerprint? pinned = null;
        if (pin is not null && !Fingerprint.TryParse(pin, out pinned, out string? pinError))
            throw new UsageException(pinError!);

        // Last, as they read the file system.
        TlsCertificate? certificate = certFile is null ? null
            : TlsFiles.LoadCertificate(certFile, keyFile, passwordFile is null ? null : TlsFiles.ReadPassword(passwordFile));
        return options with
        {
            Tls = new TlsOptions
            {
                ServerName = serverName,
                TrustRoots = trustFile is null ? null : TlsFiles.LoadTrust(trustFile),
                PinnedSha256 = pinned?.Hash,
                Insecure = insecure,
                Alpn = protocolsOffered,
                Certificate = certificate?.Leaf,
                Intermediates = certificate?.Intermediates ?? [],
                Protocols = protocols,
                VerifyClient = verifyClient,
            },
        };
    }
}
