using System.CommandLine;

namespace Dotcat.Cli;

/// <summary>The <c>--ssl</c> options (SPEC section 7); their rules live in <c>OptionsBinder.Tls</c>.</summary>
internal sealed partial class DotcatCommand
{
    public Option<bool> Ssl { get; } = Flag("--ssl", "TLS: a client verifies the server (system trust store, name = HOST); with -l, a TLS listener", "--tls");

    public Option<string?> SslServerName { get; } = new("--ssl-servername")
    {
        Description = "TLS client: the name checked against the certificate and sent as SNI (default HOST)",
        HelpName = "NAME",
    };

    public Option<FileInfo> SslTrustFile { get; } = TlsFileOption("--ssl-trustfile", "TLS: trust the PEM certificates in FILE instead of the system store (with --ssl-verify-client: the client CAs)");

    public Option<string?> SslFingerprint { get; } = new("--ssl-fingerprint")
    {
        Description = "TLS client: accept exactly the server certificate with this SHA-256 fingerprint",
        HelpName = "SHA256",
    };

    public Option<bool> SslInsecure { get; } = Flag("--ssl-insecure", "TLS client: accept any certificate (not verified: a warning says so)");

    public Option<string?> SslAlpn { get; } = new("--ssl-alpn")
    {
        Description = "TLS: ALPN protocols, comma-separated, preferred first (e.g. h2,http/1.1)",
        HelpName = "LIST",
    };

    public Option<FileInfo> SslCert { get; } = TlsFileOption("--ssl-cert", "TLS: certificate (PEM, a full chain works): the listener's, or the client's when asked (default listener: a throwaway one)");
    public Option<FileInfo> SslKey { get; } = TlsFileOption("--ssl-key", "TLS: the private key of --ssl-cert (PEM; default: looked for in the --ssl-cert file)");
    public Option<FileInfo> SslKeyPasswordFile { get; } = TlsFileOption("--ssl-key-password-file", "TLS: the passphrase of an encrypted key: FILE's first line");

    public Option<string?> SslMinVersion { get; } = new("--ssl-min-version")
    {
        Description = "TLS: the lowest version offered or accepted: 1.2 (default) or 1.3",
        HelpName = "VERSION",
    };

    public Option<bool> SslVerifyClient { get; } = Flag("--ssl-verify-client", "TLS listener: require a client certificate issued by --ssl-trustfile");

    /// <summary>In help order, after the options that say how to connect.</summary>
    private Option[] TlsSymbols =>
    [
        Ssl, SslServerName, SslTrustFile, SslFingerprint, SslInsecure, SslAlpn, SslCert, SslKey, SslKeyPasswordFile,
        SslMinVersion, SslVerifyClient,
    ];

    private static Option<FileInfo> TlsFileOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "FILE",
    };
}
