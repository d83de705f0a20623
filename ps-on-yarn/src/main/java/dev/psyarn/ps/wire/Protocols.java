package dev.psyarn.ps.wire;

import dev.psyarn.ps.transport.WireProtocol;
import java.util.List;

/** The wire protocols of the two planes; each end of a plane uses the same one. */
public final class Protocols {

  /** Workers ⇄ servers. */
  public static final WireProtocol DATA = new WireProtocol(List.of(
      dev.psyarn.ps.update.UpdaterSpec.class,
      DataMessages.CreateTable.class,
      DataMessages.Push.class,
      DataMessages.Pull.class,
      DataMessages.PullResult.class,
      DataMessages.Ack.class,
      DataMessages.Clock.class,
      DataMessages.ListKeys.class,
      DataMessages.KeyList.class,
      DataMessages.Progress.class,
      DataMessages.ProgressReply.class,
      DataMessages.Recovery.class,
      DataMessages.RecoveryReply.class,
      DataMessages.Replicate.class,
      DataMessages.Handover.class,
      DataMessages.HandoverReply.class,
      DataMessages.Fetch.class,
      DataMessages.FetchReply.class), () -> new DataBulkCodec(DataFilters.NONE));

  /** The data plane with a worker's filters on what it sends (servers decode either form). */
  public static WireProtocol data(DataFilters filters) {
    return DATA.withBulk(() -> new DataBulkCodec(filters));
  }

  /** Containers ⇄ ApplicationMaster. */
  public static final WireProtocol CONTROL = new WireProtocol(List.of(
      ControlMessages.Register.class,
      ControlMessages.GetClusterView.class,
      ControlMessages.ServerInfo.class,
      ControlMessages.ServerInfo[].class,
      ControlMessages.ClusterView.class,
      ControlMessages.Heartbeat.class,
      ControlMessages.Command.class,
      ControlMessages.HeartbeatReply.class,
      ControlMessages.Barrier.class,
      ControlMessages.Finished.class,
      ControlMessages.Ack.class,
      ControlMessages.Kill.class,
      ControlMessages.Flex.class,
      ControlMessages.FlexReply.class,
      ControlMessages.NextPiece.class,
      ControlMessages.PieceReply.class,
      ControlMessages.LogLevel.class,
      ControlMessages.LogLevelReply.class,
      ControlMessages.ViewChange.class,
      ControlMessages.ViewChange.Phase.class));

  private Protocols() {}
}
