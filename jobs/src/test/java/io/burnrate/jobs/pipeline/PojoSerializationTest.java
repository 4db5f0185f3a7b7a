package io.burnrate.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.allocation.HourAcc;
import io.burnrate.jobs.allocation.Increments;
import io.burnrate.jobs.allocation.MinuteUsage;
import io.burnrate.jobs.allocation.NodeMeta;
import io.burnrate.jobs.allocation.PodMinute;
import io.burnrate.jobs.allocation.PodSpan;
import io.burnrate.jobs.allocation.ProgressState;
import io.burnrate.jobs.allocation.UtilAcc;
import io.burnrate.jobs.allocation.WorkloadAcc;
import io.burnrate.jobs.anomalies.SeriesPoint;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import io.burnrate.schemas.model.WorkloadProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type that crosses the network or lives in state is a Flink POJO, never Kryo. */
class PojoSerializationTest {

  static Stream<Class<?>> types() {
    return Stream.of(
        PodMinute.class,
        NodeMeta.class,
        PodSpan.class,
        MinuteUsage.class,
        HourAcc.class,
        HourAcc.HolderAcc.class,
        UtilAcc.class,
        WorkloadAcc.class,
        ProgressState.class,
        Increments.class,
        GpuSample.class,
        WorkloadProgress.class,
        PodInfo.class,
        NodeInfo.class,
        K8sObject.class,
        CostWindow.class,
        CostAllocation.class,
        DeadLetter.class,
        RawRecord.class,
        SeriesPoint.class,
        io.burnrate.schemas.model.Alert.class,
        io.burnrate.schemas.model.BillingLineItem.class,
        io.burnrate.jobs.reconcile.BillingCharge.class,
        io.burnrate.jobs.reconcile.ReconHour.class,
        io.burnrate.jobs.reconcile.ChargeBook.class,
        io.burnrate.jobs.reconcile.ChargeBook.Unallocated.class,
        io.burnrate.jobs.pricing.PriceUpdate.class,
        io.burnrate.jobs.pricing.PriceHistory.class,
        io.burnrate.jobs.onprem.EnergyMeter.class,
        io.burnrate.jobs.training.TrainingState.class,
        io.burnrate.schemas.model.Action.class,
        io.burnrate.schemas.model.Budget.class,
        io.burnrate.schemas.model.BudgetStatus.class,
        io.burnrate.jobs.rules.RuleState.class,
        io.burnrate.jobs.rules.SeriesRules.class,
        io.burnrate.jobs.budgets.BudgetTracker.class,
        io.burnrate.jobs.budgets.BudgetControl.class,
        io.burnrate.jobs.budgets.BudgetCharge.class,
        io.burnrate.jobs.actions.ActionState.class,
        io.burnrate.jobs.actions.UsageWindow.class);
  }

  private static SerializerConfigImpl noGenericTypes() {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    return config;
  }

  /** Paths of fields (recursively) that Flink would hand to Kryo. */
  private static List<String> genericFields(TypeInformation<?> type, String path) {
    List<String> out = new ArrayList<>();
    if (type instanceof GenericTypeInfo) {
      out.add(path + " (" + type.getTypeClass().getName() + ")");
    } else if (type instanceof PojoTypeInfo<?> pojo) {
      for (int i = 0; i < pojo.getArity(); i++) {
        out.addAll(
            genericFields(
                pojo.getPojoFieldAt(i).getTypeInformation(),
                path + "." + pojo.getPojoFieldAt(i).getField().getName()));
      }
    } else if (type instanceof MapTypeInfo<?, ?> map) {
      out.addAll(genericFields(map.getKeyTypeInfo(), path + "<key>"));
      out.addAll(genericFields(map.getValueTypeInfo(), path + "<value>"));
    } else if (type instanceof ListTypeInfo<?> list) {
      out.addAll(genericFields(list.getElementTypeInfo(), path + "<element>"));
    } else if (type instanceof CompositeType<?> composite) {
      for (int i = 0; i < composite.getArity(); i++) {
        out.addAll(genericFields(composite.getTypeAt(i), path + "[" + i + "]"));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("types")
  void isAPojoWithoutKryo(Class<?> cls) {
    TypeInformation<?> type = TypeInformation.of(cls);
    assertThat(type)
        .as("%s is analysed as a POJO (public fields, public no-arg constructor)", cls.getName())
        .isInstanceOf(PojoTypeInfo.class);
    List<String> generic = genericFields(type, cls.getSimpleName());
    assertThat(generic)
        .as("fields of %s that would be serialised with Kryo", cls.getName())
        .isEmpty();
    TypeSerializer<?> serializer;
    try {
      serializer = type.createSerializer(noGenericTypes());
    } catch (UnsupportedOperationException e) {
      fail(cls.getName() + " needs Kryo with generic types disabled: " + e.getMessage(), e);
      return;
    }
    assertThat(serializer).isInstanceOf(PojoSerializer.class);
  }

  /** A type with a field Flink cannot analyse: the check above must catch it. */
  public static class WithObjectField {
    public String name;
    public Object payload;

    public WithObjectField() {}
  }

  @Test
  void theCheckDetectsAKryoField() {
    TypeInformation<WithObjectField> type = TypeInformation.of(WithObjectField.class);
    assertThat(genericFields(type, "WithObjectField"))
        .containsExactly("WithObjectField.payload (java.lang.Object)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> type.createSerializer(noGenericTypes()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static <T> T roundTrip(Class<T> cls, T value) throws Exception {
    TypeSerializer<T> serializer = TypeInformation.of(cls).createSerializer(noGenericTypes());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(serializer.copy(value)).usingRecursiveComparison().isEqualTo(value);
    return back;
  }

  @Test
  void minuteUsageRoundTrips() throws Exception {
    MinuteUsage u = new MinuteUsage();
    UtilAcc trainer = new UtilAcc();
    trainer.add(0.5, 0);
    trainer.add(0.7, 3);
    u.byPod.put("ml/trainer", trainer);
    UtilAcc gpu7 = new UtilAcc();
    gpu7.add(0.1, 7);
    u.unlabelled.put(7, gpu7);
    u.modelName = "NVIDIA A100-SXM4-40GB";
    u.gpusSeen = 8;

    MinuteUsage back = roundTrip(MinuteUsage.class, u);

    assertThat(back).usingRecursiveComparison().isEqualTo(u);
    assertThat(back.byPod.get("ml/trainer").distinctGpus()).isEqualTo(2);
    assertThat(back.unlabelled.get(7).mean()).isEqualTo(0.1);
  }

  @Test
  void hourAccRoundTrips() throws Exception {
    HourAcc acc = new HourAcc();
    acc.hourStart = 1_740_823_200_000L;
    acc.nodeMillis = 150_000;
    acc.nodeGpuSeconds = 1200;
    for (String pod : List.of("trainer", "eval")) {
      HourAcc.HolderAcc h = new HourAcc.HolderAcc();
      h.podKey = "ml/" + pod;
      h.namespace = "ml";
      h.pod = pod;
      h.workload = "ml/Job/" + pod;
      h.team = "research";
      h.gpus = 4;
      h.gpuSeconds = 360.5;
      acc.holders.put(h.podKey, h);
    }

    HourAcc back = roundTrip(HourAcc.class, acc);

    assertThat(back).usingRecursiveComparison().isEqualTo(acc);
    assertThat(back.holders).containsOnlyKeys("ml/trainer", "ml/eval");
  }
}
