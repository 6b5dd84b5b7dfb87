using System.CommandLine;

namespace Dotcat.Cli;

/// <summary>Proxies (connect through one, or be one with <c>-l</c>) and a listener's access control.</summary>
internal sealed partial class DotcatCommand
{
    public Option<string?> Proxy { get; } = new("--proxy")
    {
        Description = "Connect through the proxy at HOST[:PORT] (default port 1080 SOCKS, 3128 HTTP)",
        HelpName = "HOST[:PORT]",
    };

    public Option<string?> ProxyType { get; } = new("--proxy-type")
    {
        Description = "The proxy's protocol: socks4, socks4a, socks5, http (default); with -l, serve socks5 or http",
        HelpName = "TYPE",
    };

    public Option<string?> ProxyAuth { get; } = new("--proxy-auth")
    {
        Description = "USER:PASS for the proxy (or DOTCAT_PROXY_AUTH); with -l, what clients must give",
        HelpName = "USER:PASS",
    };

    public Option<string?> ProxyDns { get; } = new("--proxy-dns")
    {
        Description = "Where the target's name is resolved: local, remote (default), both, none",
        HelpName = "WHERE",
    };

    public Option<string[]> Allow { get; } = ListOption("--allow", "Listen: serve only these addresses, CIDR blocks or names (repeatable)");
    public Option<string[]> Deny { get; } = ListOption("--deny", "Listen: refuse these addresses, CIDR blocks or names (repeatable)");
    public Option<FileInfo[]> AllowFile { get; } = ListFileOption("--allowfile", "--allow for each entry in FILE (# comments)");
    public Option<FileInfo[]> DenyFile { get; } = ListFileOption("--denyfile", "--deny for each entry in FILE (# comments)");

    private void AddProxyOptions()
    {
        ProxyType.AcceptOnlyFromAmong("socks4", "socks4a", "socks5", "http");
        ProxyDns.AcceptOnlyFromAmong("local", "remote", "both", "none");
        // Help lists them with the servers, before the toolbox and diagnostics.
        int at = Root.Options.IndexOf(Scan);
        foreach (Option option in (Option[])[Proxy, ProxyType, ProxyAuth, ProxyDns, Allow, Deny, AllowFile, DenyFile])
            Root.Options.Insert(at++, option);
    }

    private static Option<string[]> ListOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "LIST",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<FileInfo[]> ListFileOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "FILE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };
}
