using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Access;

/// <summary>Resolves a host name to its addresses (injected, so tests need no DNS).</summary>
internal delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>
/// Builds an <see cref="AccessList"/> from the four options, once, at start. Entries are addresses, CIDR blocks and
/// host names, separated by commas or white space; a file has any number per line, <c>#</c> starts a comment. Names
/// are resolved here and never again, so a listener's checks never wait for DNS. Every bad entry, unreadable file or
/// name that does not resolve is a <see cref="UsageException"/> naming the option.
/// </summary>
internal static class AccessListBuilder
{
    private static readonly char[] Separators = [',', ' ', '\t', '\r', '\n'];

    /// <summary>
    /// The list for <paramref name="spec"/>; <paramref name="note"/> is told about entries that were adjusted (host
    /// bits cleared), for a <c>-v</c> line.
    /// </summary>
    public static async Task<AccessList> BuildAsync(
        AccessSpec spec, HostResolver resolver, Action<string>? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(resolver);
        if (spec.IsEmpty)
            return AccessList.Open;

        var allow = new List<AddressBlock>();
        var deny = new List<AddressBlock>();
        foreach (string list in spec.Allow)
            await AddAsync(allow, "--allow", SplitList(list), resolver, note, cancellationToken);
        foreach (string list in spec.Deny)
            await AddAsync(deny, "--deny", SplitList(list), resolver, note, cancellationToken);
        foreach (string file in spec.AllowFiles)
            await AddAsync(allow, "--allowfile " + file, await ReadFileAsync("--allowfile", file, cancellationToken), resolver, note, cancellationToken);
        foreach (string file in spec.DenyFiles)
            await AddAsync(deny, "--denyfile " + file, await ReadFileAsync("--denyfile", file, cancellationToken), resolver, note, cancellationToken);
        return new AccessList(allow, deny);
    }

    /// <summary>The entries of a file: comments (<c>#</c> to the end of the line) and blank lines dropped.</summary>
    public static IReadOnlyList<string> ParseFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<string>();
        foreach (string rawLine in text.Split('\n'))
        {
            int hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            string line = hash < 0 ? rawLine : rawLine[..hash];
            entries.AddRange(SplitList(line));
        }
        return entries;
    }

    public static IReadOnlyList<string> SplitList(string list) =>
        list.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    private static async Task<IReadOnlyList<string>> ReadFileAsync(string option, string path, CancellationToken cancellationToken)
    {
        try
        {
            return ParseFile(await File.ReadAllTextAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => "cannot be read",
            };
            throw new UsageException($"{option} {path}: {reason}");
        }
    }

    private static async Task AddAsync(
        List<AddressBlock> blocks, string source, IReadOnlyList<string> entries, HostResolver resolver, Action<string>? note,
        CancellationToken cancellationToken)
    {
        foreach (string entry in entries)
        {
            if (AddressBlock.TryParse(entry, out AddressBlock block, out bool masked, out string? error))
            {
                if (masked)
                    note?.Invoke($"{source}: '{entry}' has host bits set; it means {block}");
                blocks.Add(block);
            }
            else if (IsHostName(entry))
            {
                foreach (IPAddress address in await ResolveAsync(source, entry, resolver, cancellationToken))
                    blocks.Add(AddressBlock.Single(address));
            }
            else
            {
                throw new UsageException($"{source}: {error}");
            }
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string source, string name, HostResolver resolver, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await resolver(name, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new UsageException($"{source}: cannot resolve '{name}': {SocketErrors.Describe(e.SocketErrorCode)}");
        }
        if (addresses.Length == 0)
            throw new UsageException($"{source}: cannot resolve '{name}': name not found");
        return addresses;
    }

    /// <summary>Letters, digits, <c>-</c>, <c>_</c> and dots, not starting with a digit-only shape; no slash.</summary>
    private static bool IsHostName(string entry) =>
        entry.Length is > 0 and <= 253
        && entry.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
        && entry.Any(char.IsAsciiLetter);
}
