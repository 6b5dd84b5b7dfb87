using System.Runtime.CompilerServices;

namespace Dotcat.Tests.Support;

internal static class SnapshotDefaults
{
    /// <summary>Approved files live in a Snapshots folder next to the test; no diff tool is ever launched.</summary>
#pragma warning disable CA2255 // a module initializer is the documented way to set Shouldly's defaults once
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => ShouldlyConfiguration.ShouldMatchApprovedDefaults.SubFolder("Snapshots").NoDiff();
}
