using Loos.Edge.Modules.Commissioning;

namespace Loos.Edge.Forwarding;

/// <summary>
/// The doctor's check of a forwarder target: reachable, credentials accepted, database or bucket writable. Writability
/// is asked with a write of no lines: InfluxDB 1.x answers 204 to a user who may write, 403 to a read-only one, 401 to
/// a wrong password and 404 to a missing database, and stores nothing; InfluxDB 2 and VictoriaMetrics answer an empty
/// <c>/api/v2/write</c> the same way.
/// </summary>
internal static class ForwarderCommissioning
{
    public static IDoctorCheck TargetCheck(TargetOptions target, TimeProvider timeProvider) =>
        new DoctorCheck($"influxdb target {target.Name} ({target.Url})", async cancellationToken =>
        {
            // Uncompressed: a gzip stream of nothing is still a header, which influxd reads as a line and refuses (400 EOF).
            target.Gzip = false;
            using var writer = new InfluxWriter(target, timeProvider);
            if (await writer.ProbeAsync(cancellationToken).ConfigureAwait(false) is { } unreachable)
            {
                return CheckResult.Fail($"cannot reach {target.Url}: {unreachable}", "check the url, the network and that the server runs (`curl -i URL/ping` should answer 204)");
            }

            var result = await writer.WriteAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            var where = target.Api == InfluxApi.V2 ? $"bucket {target.Bucket} of org {target.Org}" : $"database {target.Database}";
            var who = target.Api == InfluxApi.V2 ? "the token" : $"user {(string.IsNullOrEmpty(target.Username) ? "(none)" : target.Username)}";
            return result switch
            {
                { Outcome: WriteOutcome.Accepted } => CheckResult.Pass($"reachable; {who} may write to {where} (checked with an empty write: no reading written)"),
                { StatusCode: 401 } or { StatusCode: null, Outcome: WriteOutcome.Unauthorized } => CheckResult.Fail(
                    $"the server refuses the credentials of {who}: {result}",
                    target.Api == InfluxApi.V2 ? $"put a valid token in {target.TokenFile}" : $"check username and the password in {target.PasswordFile}"),
                { StatusCode: 403 } => CheckResult.Fail(
                    $"{who} may not write to {where}: {result}",
                    target.Api == InfluxApi.V2 ? "give the token write permission on the bucket" : $"as an admin: GRANT WRITE ON \"{target.Database}\" TO \"{target.Username}\""),
                { StatusCode: 404 } => CheckResult.Fail($"{where} does not exist: {result}", target.Api == InfluxApi.V2 ? "create the bucket" : $"as an admin: CREATE DATABASE \"{target.Database}\""),
                _ => CheckResult.Fail($"an empty write to {where} failed: {result}", "read the server's log for the cause"),
            };
        });
}
