using System.Runtime.InteropServices;

namespace Dotcat.Diagnostics;

/// <summary>
/// A file or descriptor failure in dotcat's words, from the exception's type or its errno, never from the sentence
/// .NET builds for it (which names the path again, ends with a dot, and is looked up in the runtime's resources).
/// </summary>
internal static class SystemErrors
{
    public static string Describe(Exception failure) => failure switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "path too long",
        // On Unix, dotcat's own descriptor streams and the runtime's file errors carry the errno as HResult.
        IOException { HResult: > 0 and < 4096 } e when !OperatingSystem.IsWindows() => Lower(Marshal.GetPInvokeErrorMessage(e.HResult)),
        _ => failure.Message.TrimEnd('.'),
    };

    /// <summary>strerror's "Is a directory" as a reason inside a line: "is a directory".</summary>
    private static string Lower(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
