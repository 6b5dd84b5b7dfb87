namespace Dotcat.Model;

/// <summary>The four access options as given (each may be repeated); nothing parsed yet.</summary>
internal sealed record AccessSpec(
    IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, IReadOnlyList<string> AllowFiles, IReadOnlyList<string> DenyFiles)
{
    public static AccessSpec None { get; } = new([], [], [], []);

    public bool IsEmpty => Allow.Count == 0 && Deny.Count == 0 && AllowFiles.Count == 0 && DenyFiles.Count == 0;
}
