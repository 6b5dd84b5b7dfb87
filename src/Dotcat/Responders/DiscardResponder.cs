using Dotcat.Model;

namespace Dotcat.Responders;

/// <summary>RFC 863: reads and drops everything; never answers.</summary>
internal sealed class DiscardResponder : Responder
{
    public override string Name => "discard";
    public override ResponderKind Kind => ResponderKind.Discard;
    public override string Summary => "reads and drops everything (RFC 863)";
}
