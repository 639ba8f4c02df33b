namespace GuruConnect.Server.Data;

/// <summary>An applied migration's text no longer matches what was applied. Start-up stops.</summary>
internal sealed class MigrationChecksumException(Migration migration, string storedChecksum)
    : InvalidOperationException(
        $"Migration {migration.Label} was changed after it was applied to this database " +
        $"(applied checksum {storedChecksum[..12]}…, this build {migration.Checksum[..12]}…). " +
        "Applied migrations must never be edited: restore the original file and put the change in a new migration.")
{
    public Migration Migration { get; } = migration;
}
