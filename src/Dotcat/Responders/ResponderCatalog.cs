using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Responders;

/// <summary>Every responder, by name: what <c>--respond</c> accepts, lists and completes.</summary>
internal static class ResponderCatalog
{
    public static IReadOnlyList<Responder> Create(ResponderSettings settings) =>
    [
        new EchoResponder(),
        new UpperResponder(),
        new TimeResponder(settings),
        new DiscardResponder(),
        new ChargenResponder(),
        new DaytimeResponder(settings),
    ];

    /// <summary>Every name and alias, for <c>AcceptOnlyFromAmong</c> (which completions read).</summary>
    public static string[] Names { get; } =
        [.. Create(new ResponderSettings()).SelectMany(r => r.Aliases.Prepend(r.Name))];

    /// <summary>One line per responder for <c>--help</c>: <c>echo: sends back ...</c>.</summary>
    public static string Describe() => string.Join(
        Environment.NewLine,
        Create(new ResponderSettings()).Select(r => $"  {string.Join('|', r.Aliases.Prepend(r.Name))}: {r.Summary}"));

    /// <summary>The responder called <paramref name="name"/> (or one of its aliases); the parser accepts no other names.</summary>
    public static ResponderKind KindOf(string name) =>
        Find(name, new ResponderSettings())?.Kind ?? throw new UsageException($"unknown responder '{name}'");

    /// <summary>The responder called <paramref name="name"/> (or one of its aliases); null if there is none.</summary>
    public static Responder? Find(string name, ResponderSettings settings) =>
        Create(settings).FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal) || r.Aliases.Contains(name, StringComparer.Ordinal));

    /// <summary>The responder that does what <paramref name="kind"/> names.</summary>
    public static Responder For(ResponderKind kind, ResponderSettings settings) => Create(settings).First(r => r.Kind == kind);
}
